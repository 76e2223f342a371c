package io.polysync.dispatcher;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.polysync.dispatcher");

    @Test
    void kafkaStaysInTheMessagingPackage() {
        noClasses().that().resideOutsideOfPackage("..dispatcher.messaging..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..", "org.springframework.kafka..")
                .check(CLASSES);
    }

    @Test
    void theLedgerDoesNotKnowHowAdmissionDecides() {
        noClasses().that().resideInAPackage("..dispatcher.ledger..")
                .should().dependOnClassesThat().resideInAPackage("..dispatcher.admission..")
                .check(CLASSES);
    }

    @Test
    void domainPackagesDoNotDependOnTheMessagingAdapters() {
        noClasses().that().resideInAnyPackage("..dispatcher.ledger..", "..dispatcher.admission..",
                        "..dispatcher.definition..")
                .should().dependOnClassesThat().resideInAPackage("..dispatcher.messaging..")
                .check(CLASSES);
    }
}
