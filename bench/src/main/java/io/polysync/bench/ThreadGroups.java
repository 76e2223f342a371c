package io.polysync.bench;

import java.util.List;

/**
 * Names what a JVM thread works for, from the name Linux keeps of it (its first 15 characters), so a scenario's CPU
 * can be split into the JIT compiler, the garbage collector, the embedded broker, HTTP, Kafka clients and Polysync's
 * own threads. The split is the first answer to "where did the CPU go": a profile says the rest.
 */
final class ThreadGroups {

    private record Rule(String prefix, String group) {
    }

    /** First match wins; prefixes are of the truncated names /proc shows, every run of digits turned into N. */
    private static final List<Rule> RULES = List.of(
            new Rule("CN CompilerThre", "JIT compiler"),
            new Rule("GC Thread", "garbage collector"),
            // G1's own threads (G1 Refine#0, G1 Conc#0, G1 Service): the 1 is a digit too
            new Rule("GN ", "garbage collector"),
            new Rule("data-plane-kafk", "Kafka broker"),
            new Rule("group-coordinat", "Kafka broker"),
            new Rule("broker-", "Kafka broker"),
            new Rule("quorum-controll", "Kafka broker"),
            new Rule("kafka-N-raft", "Kafka broker"),
            new Rule("ExpirationReape", "Kafka broker"),
            new Rule("executor-", "Kafka broker"),
            new Rule("kafka-scheduler", "Kafka broker"),
            new Rule("http-nio", "HTTP (Tomcat)"),
            new Rule("run-once-accept", "Run Once acceptors"),
            new Rule("kafka-producer-", "Kafka producers (network)"),
            new Rule("kafka-coordinat", "Kafka consumers (heartbeats)"),
            new Rule("org.springframe", "Kafka listener containers"),
            new Rule("task-service-", "Kafka listener containers"),
            new Rule("polysync-slot-", "worker slots (polling, reports)"),
            new Rule("polysync-run-", "worker run threads"),
            new Rule("polysync-job-", "worker run threads"),
            new Rule("outbox-relay", "outbox relays"),
            new Rule("schedule-timer", "schedule timer"),
            new Rule("due-retry-publi", "due-retry publisher"),
            new Rule("lease-reaper", "lease reaper"));

    private ThreadGroups() {
    }

    static String of(String threadName) {
        String name = threadName.replaceAll("\\d+", "N");
        for (Rule rule : RULES) {
            if (name.startsWith(rule.prefix())) {
                return rule.group();
            }
        }
        return "other";
    }
}
