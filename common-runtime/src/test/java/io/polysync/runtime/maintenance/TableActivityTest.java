package io.polysync.runtime.maintenance;

import io.polysync.runtime.maintenance.TableMaintenance.TableActivity;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TableActivityTest {

    @Test
    void vacuumsPastAutovacuumsDefaultThresholdsOfDeadOrInsertedRows() {
        // 50 + 20 % of 1,000 live rows = 250 dead rows; 1,000 + 20 % = 1,200 inserted rows
        assertThat(activity(1_000, 250, 0, 0).needsVacuum()).isFalse();
        assertThat(activity(1_000, 251, 0, 0).needsVacuum()).isTrue();
        assertThat(activity(1_000, 0, 1_200, 0).needsVacuum()).isFalse();
        assertThat(activity(1_000, 0, 1_201, 0).needsVacuum()).isTrue();
    }

    @Test
    void analyzesPastAutovacuumsDefaultThresholdOfChangedRows() {
        // 50 + 10 % of 1,000 live rows = 150 changed rows
        assertThat(activity(1_000, 0, 0, 150).needsAnalyze()).isFalse();
        assertThat(activity(1_000, 0, 0, 151).needsAnalyze()).isTrue();
        assertThat(activity(0, 0, 0, 51).needsAnalyze()).isTrue();
    }

    @Test
    void quotesTheQualifiedName() {
        assertThat(new TableActivity("dispatcher", "odd\"name", 0, 0, 0, 0).qualifiedName())
                .isEqualTo("\"dispatcher\".\"odd\"\"name\"");
    }

    private static TableActivity activity(long live, long dead, long inserted, long modified) {
        return new TableActivity("s", "t", live, dead, inserted, modified);
    }
}
