package io.polysync.runtime.kafka;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.polysync.model.ConsumerGroups;
import io.polysync.runtime.PeriodicTimer;
import io.polysync.runtime.RuntimeProperties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Consumer lag and live membership of every Polysync consumer group, read through the Kafka admin API on a timer
 * (one process runs it: the dispatcher, {@code polysync.runtime.lag-monitor.enabled}). Groups of
 * {@link ConsumerGroups#EXPECTED} are reported from start-up, existing on the broker or not, so a group nobody
 * consumes in shows members 0 and a lag that grows with every record; other groups named {@code polysync*} join when
 * found. Per (group, topic): lag is the sum over partitions of end offset minus committed offset (the log start when
 * nothing is committed, where a new consumer would begin), members the partitions assigned to live members.
 */
public class ConsumerLagMonitor implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ConsumerLagMonitor.class);
    private static final String PREFIX = "polysync";
    private static final long TIMEOUT_SECONDS = 10;

    private final Supplier<Admin> adminFactory;
    private final MeterRegistry meters;
    private final RuntimeProperties.LagMonitor settings;
    private final Pattern excluded;
    private final Map<String, Set<String>> topicsByGroup = new ConcurrentHashMap<>();
    private final Map<GroupTopic, Values> values = new ConcurrentHashMap<>();
    private final PeriodicTimer timer = new PeriodicTimer("consumer-lag-monitor", this::refreshQuietly);
    private Admin admin;

    public ConsumerLagMonitor(Supplier<Admin> adminFactory, MeterRegistry meters,
                              RuntimeProperties.LagMonitor settings) {
        this.adminFactory = adminFactory;
        this.meters = meters;
        this.settings = settings;
        this.excluded = Pattern.compile(settings.excludedGroups());
        ConsumerGroups.EXPECTED.forEach((group, topics) -> topics.forEach(topic -> values(group, topic)));
    }

    /** Reads every group once; the timer calls it, tests too. */
    public synchronized void refresh() throws ExecutionException, InterruptedException, TimeoutException {
        if (admin == null) {
            admin = adminFactory.get();
        }
        Map<String, Set<String>> groups = new LinkedHashMap<>();
        ConsumerGroups.EXPECTED.forEach((group, topics) -> groups.put(group, new HashSet<>(topics)));
        for (GroupListing listing : get(admin.listGroups(ListGroupsOptions.forConsumerGroups()).all())) {
            String group = listing.groupId();
            if (group.startsWith(PREFIX) && !excluded.matcher(group).matches()) {
                groups.computeIfAbsent(group, g -> new HashSet<>());
            }
        }
        Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = committedOffsets(groups.keySet());
        Map<String, Map<TopicPartition, Integer>> assigned = assignedPartitions(groups.keySet());
        groups.forEach((group, topics) -> {
            committed.getOrDefault(group, Map.of()).keySet().forEach(p -> topics.add(p.topic()));
            assigned.getOrDefault(group, Map.of()).keySet().forEach(p -> topics.add(p.topic()));
        });
        Set<String> allTopics = new HashSet<>();
        groups.values().forEach(allTopics::addAll);
        Map<String, TopicDescription> described = describeTopics(allTopics);
        List<TopicPartition> partitions = new ArrayList<>();
        described.values().forEach(d -> d.partitions().forEach(p -> partitions.add(new TopicPartition(d.name(),
                p.partition()))));
        Map<TopicPartition, Long> ends = offsets(partitions, OffsetSpec.latest());
        Map<TopicPartition, Long> starts = offsets(partitions, OffsetSpec.earliest());

        groups.forEach((group, topics) -> {
            Map<TopicPartition, OffsetAndMetadata> groupCommits = committed.getOrDefault(group, Map.of());
            Map<TopicPartition, Integer> groupAssignment = assigned.getOrDefault(group, Map.of());
            for (String topic : topics) {
                long lag = 0;
                long members = 0;
                for (TopicPartition partition : partitions) {
                    if (!partition.topic().equals(topic)) {
                        continue;
                    }
                    long end = ends.getOrDefault(partition, 0L);
                    OffsetAndMetadata commit = groupCommits.get(partition);
                    long position = commit != null ? commit.offset() : starts.getOrDefault(partition, 0L);
                    lag += Math.max(0, end - position);
                    if (groupAssignment.containsKey(partition)) {
                        members++;
                    }
                }
                Values v = values(group, topic);
                v.lag.set(lag);
                v.members.set(members);
            }
        });
    }

    private Map<String, Map<TopicPartition, OffsetAndMetadata>> committedOffsets(Collection<String> groups)
            throws ExecutionException, InterruptedException, TimeoutException {
        Map<String, Map<TopicPartition, OffsetAndMetadata>> result = new HashMap<>();
        for (String group : groups) {
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            get(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()).forEach((p, o) -> {
                if (o != null) {
                    offsets.put(p, o);
                }
            });
            result.put(group, offsets);
        }
        return result;
    }

    /** Partition → 1 for each partition a live member of the group holds; empty for a group without members. */
    private Map<String, Map<TopicPartition, Integer>> assignedPartitions(Collection<String> groups)
            throws InterruptedException {
        Map<String, Map<TopicPartition, Integer>> result = new HashMap<>();
        Map<String, KafkaFuture<ConsumerGroupDescription>> futures = admin.describeConsumerGroups(groups)
                .describedGroups();
        for (String group : groups) {
            Map<TopicPartition, Integer> partitions = new HashMap<>();
            try {
                ConsumerGroupDescription description = get(futures.get(group));
                for (MemberDescription member : description.members()) {
                    member.assignment().topicPartitions().forEach(p -> partitions.put(p, 1));
                }
            } catch (ExecutionException | TimeoutException e) {
                // a group the broker does not know (never joined): nobody holds its partitions
                log.trace("group {} not described: {}", group, e.toString());
            }
            result.put(group, partitions);
        }
        return result;
    }

    private Map<String, TopicDescription> describeTopics(Set<String> topics) throws InterruptedException {
        Map<String, TopicDescription> result = new HashMap<>();
        admin.describeTopics(topics).topicNameValues().forEach((topic, future) -> {
            try {
                result.put(topic, get(future));
            } catch (ExecutionException | TimeoutException e) {
                log.trace("topic {} not described: {}", topic, e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException();
        }
        return result;
    }

    private Map<TopicPartition, Long> offsets(List<TopicPartition> partitions, OffsetSpec spec)
            throws ExecutionException, InterruptedException, TimeoutException {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(p -> request.put(p, spec));
        Map<TopicPartition, Long> result = new HashMap<>();
        if (request.isEmpty()) {
            return result;
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> infos = get(admin.listOffsets(request).all());
        infos.forEach((p, info) -> result.put(p, info.offset()));
        return result;
    }

    private static <T> T get(KafkaFuture<T> future) throws ExecutionException, InterruptedException, TimeoutException {
        return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    private Values values(String group, String topic) {
        return values.computeIfAbsent(new GroupTopic(group, topic), key -> {
            Values v = new Values();
            Gauge.builder("polysync.kafka.consumer.lag", v.lag, AtomicLong::get)
                    .description("Records of the topic the group has not consumed yet (end offset minus committed)")
                    .tag("group", group).tag("topic", topic)
                    .register(meters);
            Gauge.builder("polysync.kafka.consumer.members", v.members, AtomicLong::get)
                    .description("Partitions of the topic held by live members of the group; 0 = nobody consumes it")
                    .tag("group", group).tag("topic", topic)
                    .register(meters);
            return v;
        });
    }

    @Override
    public void start() {
        timer.start(Duration.ZERO, settings.interval());
    }

    @Override
    public void stop() {
        timer.stop();
        synchronized (this) {
            if (admin != null) {
                admin.close(Duration.ofSeconds(1));
                admin = null;
            }
        }
    }

    @Override
    public boolean isRunning() {
        return timer.isRunning();
    }

    /** One round of the timer: a failed read is tried again at the next. */
    private void refreshQuietly() {
        try {
            refresh();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("consumer lag not read, trying again: {}", e.toString());
        }
    }

    private record GroupTopic(String group, String topic) {
    }

    private static final class Values {
        final AtomicLong lag = new AtomicLong();
        final AtomicLong members = new AtomicLong();
    }
}
