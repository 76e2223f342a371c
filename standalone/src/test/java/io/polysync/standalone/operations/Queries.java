package io.polysync.standalone.operations;

import io.polysync.model.Json;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.polysync.standalone.operations.Repository.list;
import static io.polysync.standalone.operations.Repository.map;

/** Every PromQL expression operators look at: each dashboard panel's targets and each alert rule. */
final class Queries {

    /** An alert's final threshold: the last top-level comparison with a number. */
    private static final Pattern FINAL_COMPARISON =
            Pattern.compile("(?s)^(.*\\S)\\s*(==|!=|>=|<=|>|<)\\s*-?[0-9.]+(?:e[+-]?[0-9]+)?\\s*$");

    /** Where the expression comes from, and the expression. */
    record Query(String source, String expr) {
    }

    private Queries() {
    }

    static List<Query> dashboardPanels() {
        List<Query> queries = new ArrayList<>();
        for (Path file : Repository.files("deploy/grafana/dashboards", ".json")) {
            JsonNode dashboard = Json.tree(Repository.read(file));
            collect(dashboard.path("panels"), dashboard.path("title").asString(), queries);
        }
        return queries;
    }

    /** Each alert rule's expression without its final comparison, so a quiet system still returns its series. */
    static List<Query> alertRules() {
        List<Query> queries = new ArrayList<>();
        for (Path file : Repository.files("deploy/prometheus/rules", ".yml")) {
            for (Object group : list(Repository.yaml(file).get("groups"), "groups")) {
                for (Object rule : list(map(group, "group").get("rules"), "rules")) {
                    Map<String, Object> r = map(rule, "rule");
                    queries.add(new Query("alert " + r.get("alert"), withoutFinalComparison(String.valueOf(r.get("expr")))));
                }
            }
        }
        return queries;
    }

    static String withoutFinalComparison(String expr) {
        Matcher matcher = FINAL_COMPARISON.matcher(expr.trim());
        if (!matcher.matches()) {
            throw new IllegalArgumentException("alert expression without a final threshold comparison: " + expr);
        }
        return matcher.group(1);
    }

    private static void collect(JsonNode panels, String dashboard, List<Query> into) {
        for (JsonNode panel : panels) {
            for (JsonNode target : panel.path("targets")) {
                into.add(new Query(dashboard + " / " + panel.path("title").asString() + " / " + target.path("refId").asString(),
                        target.path("expr").asString()));
            }
            collect(panel.path("panels"), dashboard, into);
        }
    }
}
