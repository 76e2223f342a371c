package io.polysync.scheduler;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.polysync.model.Topics;
import io.polysync.scheduler.support.SchedulerIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.util.Collection;

import static org.assertj.core.api.Assertions.assertThat;

/** The scheduler's meters of docs/metrics.md exist from start-up; the feature tests check that they move. */
class SchedulerMetricsIT extends SchedulerIntegrationTest {

    @Autowired
    MeterRegistry meters;

    @Test
    void everyMeterExistsFromStartUpTaggedWithTheService() {
        assertSeries("polysync.scheduler.fires", 2);
        assertSeries("polysync.scheduler.missed.fires", 3);
        assertSeries("polysync.scheduler.fire.lateness", 1);
        assertSeries("polysync.scheduler.dependency.triggers", 1);
        assertSeries("polysync.scheduler.retries.pending", 1);
        assertSeries("polysync.scheduler.schedules", 1);
        assertSeries("polysync.retries.scheduled", 1);
        assertSeries("polysync.outbox.backlog", 1);
        assertSeries("polysync.outbox.oldest.age", 1);
        assertSeries("polysync.outbox.published", 1);
        assertThat(meters.find("polysync.dlq.records").counters()).extracting(c -> c.getId().getTag("topic"))
                .contains(Topics.TASK_DEFINITIONS, Topics.RUN_EVENTS);
        assertThat(meters.find("polysync.kafka.consumer.lag").meters()).as("the lag monitor runs in the dispatcher")
                .isEmpty();
    }

    private void assertSeries(String name, int count) {
        Collection<Meter> found = meters.find(name).meters();
        assertThat(found).as(name).hasSize(count)
                .allSatisfy(m -> assertThat(m.getId().getTag("service")).isEqualTo("scheduler-service"));
    }
}
