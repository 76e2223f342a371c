package io.polysync.standalone.operations;

import io.polysync.model.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.polysync.standalone.operations.Repository.at;
import static io.polysync.standalone.operations.Repository.list;
import static io.polysync.standalone.operations.Repository.map;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker-compose.yml, the Dockerfiles, Prometheus' scrape configuration, Grafana's provisioning and every Kubernetes
 * manifest, read against what the services really do: their ports, health groups and configuration properties.
 */
class DeploymentConsistencyTest {

    private static final Map<String, ServiceConfiguration> SERVICES = new TreeMap<>();
    private static Map<String, Object> compose;
    private static List<Map<String, Object>> manifests;

    @BeforeAll
    static void read() {
        Repository.SERVICES.forEach(s -> SERVICES.put(s, ServiceConfiguration.of(s)));
        compose = Repository.yaml(Repository.path("docker-compose.yml"));
        manifests = new ArrayList<>();
        for (Path file : Repository.files("deploy/kubernetes", ".yml")) {
            manifests.addAll(Repository.yamlDocuments(file));
        }
    }

    @Test
    void everyServiceExposesHealthAndPrometheusWithProbesAndGracefulShutdown() {
        SERVICES.values().forEach(service -> {
            assertThat(service.exposedEndpoints()).as(service.name).contains("health", "prometheus");
            assertThat(service.healthPaths()).as(service.name)
                    .contains("/actuator/health/liveness", "/actuator/health/readiness");
            assertThat(service.flat.get("server.shutdown")).as(service.name).isEqualTo("graceful");
            assertThat(service.flat).as(service.name).containsKey("spring.lifecycle.timeout-per-shutdown-phase");
        });
        assertThat(SERVICES.values().stream().map(ServiceConfiguration::port).distinct())
                .containsExactlyInAnyOrder(8080, 8081, 8082, 8083);
        Duration workerPhase = ServiceConfiguration.duration(SERVICES.get("worker-service").flat
                .get("spring.lifecycle.timeout-per-shutdown-phase"));
        assertThat(workerPhase).isGreaterThanOrEqualTo(ServiceConfiguration.workerDrainTime());
    }

    @Test
    void composeRunsKraftKafkaPostgresTheServicesTwoWorkersPrometheusAndGrafana() {
        Map<String, Object> services = map(compose.get("services"), "services");
        assertThat(services).containsKeys("kafka", "postgres", "prometheus", "grafana");
        assertThat(String.valueOf(at(services, "kafka.environment.KAFKA_PROCESS_ROLES"))).contains("controller");
        assertThat(at(services, "worker-service.deploy.replicas")).isEqualTo(2);
        for (String name : Repository.SERVICES) {
            assertThat(services).containsKey(name);
        }
        // every service that compose builds has its Dockerfile
        services.forEach((name, value) -> {
            Object build = map(value, name).get("build");
            if (build != null) {
                Path dockerfile = Repository.path(String.valueOf(map(build, name).get("context")))
                        .resolve(String.valueOf(map(build, name).get("dockerfile")));
                assertThat(dockerfile).as(name).isRegularFile();
            }
        });
    }

    @Test
    void composeServicesMatchTheirPortsPropertiesAndImages() {
        Map<String, Object> services = map(compose.get("services"), "services");
        SERVICES.forEach((name, config) -> {
            Map<String, Object> service = map(services.get(name), name);
            assertThat(at(service, "build.dockerfile")).as(name).isEqualTo(name + "/Dockerfile");
            assertThat(String.valueOf(service.get("image"))).as(name).startsWith("polysync/" + name + ":");
            Object command = service.get("command");
            if (command != null) {
                assertThat(String.valueOf(command)).as(name + " command runs its own jar").contains(name + ".jar");
            }
            if (service.get("ports") != null) {
                for (Object port : list(service.get("ports"), name + ".ports")) {
                    String[] parts = String.valueOf(port).split(":");
                    assertThat(Integer.parseInt(parts[parts.length - 1])).as(name + " container port")
                            .isEqualTo(config.port());
                }
            }
            Map<String, Object> environment = map(service.get("environment"), name + ".environment");
            assertThat(environment.keySet()).as(name + ": environment variables bind to real properties")
                    .allSatisfy(variable -> assertThat(config.readsEnvironmentVariable(variable))
                            .as(variable).isTrue());
            if (!config.hasDataSource()) {
                assertThat(environment.keySet()).as(name + " has no database")
                        .noneMatch(variable -> variable.startsWith("SPRING_DATASOURCE"));
            } else {
                assertThat(environment).as(name).containsKeys("SPRING_DATASOURCE_URL");
            }
            assertThat(environment).as(name).containsKey("SPRING_KAFKA_BOOTSTRAPSERVERS");
        });
        Duration workerStop = ServiceConfiguration.duration(String.valueOf(at(services, "worker-service.stop_grace_period")));
        assertThat(workerStop).isGreaterThanOrEqualTo(ServiceConfiguration.workerDrainTime());
    }

    @Test
    void dockerfilesBuildTheServiceRunItAsNonRootAndCheckItsHealth() {
        Pattern healthcheck = Pattern.compile("HEALTHCHECK[^\\n]*(?:\\\\\\n[^\\n]*)*http://127\\.0\\.0\\.1:(\\d+)(/[^\\s]+)");
        SERVICES.forEach((name, config) -> {
            String dockerfile = Repository.read(Repository.path(name + "/Dockerfile"));
            assertThat(dockerfile).as(name)
                    .containsPattern("(?m)^FROM maven:[^\\s]+ AS build$")
                    .contains("-pl " + name + " -am package")
                    .containsPattern("(?m)^FROM eclipse-temurin:17-jre$")
                    .contains("COPY --from=build /src/" + name + "/target/" + name + ".jar /app/" + name + ".jar")
                    .containsPattern("(?m)^EXPOSE " + config.port() + "$")
                    .containsPattern("(?m)^ENTRYPOINT \\[\"java\", \"-jar\", \"/app/" + name + ".jar\"]$");
            Matcher user = Pattern.compile("(?m)^USER (\\S+)$").matcher(dockerfile);
            assertThat(user.find()).as(name + " sets a USER").isTrue();
            assertThat(user.group(1)).as(name).doesNotStartWith("0").doesNotStartWith("root");
            Matcher check = healthcheck.matcher(dockerfile);
            assertThat(check.find()).as(name + " HEALTHCHECK on the actuator").isTrue();
            assertThat(Integer.parseInt(check.group(1))).as(name).isEqualTo(config.port());
            assertThat(config.healthPaths()).as(name).contains(check.group(2));
        });
    }

    @Test
    void prometheusScrapesEveryServiceOnItsPortWithTheRules() {
        Map<String, Object> prometheus = Repository.yaml(Repository.path("deploy/prometheus/prometheus.yml"));
        Map<String, Map<String, Object>> jobs = new HashMap<>();
        for (Object job : list(prometheus.get("scrape_configs"), "scrape_configs")) {
            jobs.put(String.valueOf(map(job, "job").get("job_name")), map(job, "job"));
        }
        Map<String, Object> composeServices = map(compose.get("services"), "services");
        SERVICES.forEach((name, config) -> {
            Map<String, Object> job = jobs.get("polysync-" + name);
            assertThat(job).as("scrape job polysync-" + name).isNotNull();
            assertThat(job.get("metrics_path")).isEqualTo("/actuator/prometheus");
            List<String> targets = new ArrayList<>();
            if (job.get("static_configs") != null) {
                for (Object staticConfig : list(job.get("static_configs"), "static_configs")) {
                    list(map(staticConfig, "static_config").get("targets"), "targets")
                            .forEach(t -> targets.add(String.valueOf(t)));
                }
            }
            if (job.get("dns_sd_configs") != null) {
                for (Object dns : list(job.get("dns_sd_configs"), "dns_sd_configs")) {
                    Map<String, Object> sd = map(dns, "dns_sd_config");
                    list(sd.get("names"), "names").forEach(n -> targets.add(n + ":" + sd.get("port")));
                }
            }
            assertThat(targets).as(name).isNotEmpty().allSatisfy(target -> {
                assertThat(target).isEqualTo(name + ":" + config.port());
                assertThat(composeServices).containsKey(target.substring(0, target.indexOf(':')));
            });
        });
        // the task-service answers /actuator/prometheus to viewer tokens only
        String tokenFile = String.valueOf(at(jobs.get("polysync-task-service"), "authorization.credentials_file"));
        assertThat(tokenFile).startsWith("/etc/prometheus/secrets/");
        List<String> prometheusMounts = mounts(composeServices, "prometheus");
        assertThat(prometheusMounts).anyMatch(m -> m.endsWith(":/etc/prometheus/secrets:ro"))
                .contains("./deploy/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro",
                        "./deploy/prometheus/rules:/etc/prometheus/rules:ro");
        assertThat(list(prometheus.get("rule_files"), "rule_files")).containsExactly("/etc/prometheus/rules/*.yml");
        assertThat(mounts(composeServices, "prometheus-token")).anyMatch(m -> m.endsWith(":/secrets"));
    }

    @Test
    void grafanaProvisionsThePrometheusDatasourceAndEveryDashboard() {
        Map<String, Object> composeServices = map(compose.get("services"), "services");
        List<String> grafanaMounts = mounts(composeServices, "grafana");
        assertThat(grafanaMounts).contains("./deploy/grafana/provisioning:/etc/grafana/provisioning:ro",
                "./deploy/grafana/dashboards:/etc/grafana/dashboards:ro");
        Map<String, Object> datasource = map(list(Repository.yaml(Repository.path(
                "deploy/grafana/provisioning/datasources/prometheus.yml")).get("datasources"), "datasources").get(0), "ds");
        assertThat(datasource.get("url")).isEqualTo("http://prometheus:9090");
        Map<String, Object> provider = map(list(Repository.yaml(Repository.path(
                "deploy/grafana/provisioning/dashboards/polysync.yml")).get("providers"), "providers").get(0), "p");
        assertThat(at(provider, "options.path")).isEqualTo("/etc/grafana/dashboards");

        List<Path> dashboards = Repository.files("deploy/grafana/dashboards", ".json");
        assertThat(dashboards).hasSize(4);
        for (Path file : dashboards) {
            JsonNode dashboard = Json.tree(Repository.read(file));
            assertThat(dashboard.path("uid").asString()).as(file.toString()).isNotBlank();
            for (JsonNode panel : dashboard.path("panels")) {
                for (JsonNode target : panel.path("targets")) {
                    assertThat(target.path("datasource").path("uid").asString()).as(file + " " + panel.path("title"))
                            .isEqualTo(datasource.get("uid"));
                    assertThat(target.path("expr").asString()).as(file + " " + panel.path("title")).isNotBlank();
                }
            }
        }
    }

    @Test
    void kubernetesDeploymentsMatchTheServices() {
        Map<String, Map<String, String>> configMaps = data("ConfigMap", "data");
        Map<String, Map<String, String>> secrets = data("Secret", "stringData");
        Map<String, Object> composeServices = map(compose.get("services"), "services");
        SERVICES.forEach((name, config) -> {
            Map<String, Object> deployment = manifest("Deployment", name);
            Map<String, Object> pod = map(at(deployment, "spec.template"), name + " template");
            Map<String, Object> container = map(list(at(pod, "spec.containers"), "containers").get(0), "container");

            assertThat(String.valueOf(container.get("image"))).as(name + " image as compose builds it")
                    .startsWith(String.valueOf(map(composeServices.get(name), name).get("image")).split(":")[0] + ":");
            Map<String, Object> port = map(list(container.get("ports"), "ports").get(0), "port");
            assertThat(port.get("containerPort")).as(name).isEqualTo(config.port());
            for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                Map<String, Object> httpGet = map(at(container, probe + ".httpGet"), name + " " + probe);
                assertThat(config.healthPaths()).as(name + " " + probe).contains(String.valueOf(httpGet.get("path")));
                assertThat(httpGet.get("port")).as(name + " " + probe).isIn(port.get("name"), config.port());
            }
            assertThat(at(container, "readinessProbe.httpGet.path")).isEqualTo("/actuator/health/readiness");
            assertThat(at(container, "livenessProbe.httpGet.path")).isEqualTo("/actuator/health/liveness");
            assertThat(at(container, "resources.requests.cpu")).as(name).isNotNull();
            assertThat(at(container, "resources.requests.memory")).as(name).isNotNull();
            assertThat(at(container, "resources.limits.memory")).as(name).isNotNull();

            Map<String, Object> annotations = map(at(pod, "metadata.annotations"), name + " annotations");
            assertThat(annotations).as(name).containsEntry("prometheus.io/scrape", "true")
                    .containsEntry("prometheus.io/path", "/actuator/prometheus")
                    .containsEntry("prometheus.io/port", Integer.toString(config.port()));

            List<String> variables = new ArrayList<>();
            if (container.get("env") != null) {
                list(container.get("env"), "env").forEach(e -> variables.add(String.valueOf(map(e, "env").get("name"))));
            }
            for (Object source : list(container.get("envFrom"), name + " envFrom")) {
                Map<String, Object> from = map(source, "envFrom");
                if (from.get("configMapRef") != null) {
                    String ref = String.valueOf(at(from, "configMapRef.name"));
                    assertThat(configMaps).as(name + " ConfigMap " + ref).containsKey(ref);
                    variables.addAll(configMaps.get(ref).keySet());
                } else {
                    String ref = String.valueOf(at(from, "secretRef.name"));
                    assertThat(secrets).as(name + " Secret " + ref).containsKey(ref);
                    variables.addAll(secrets.get(ref).keySet());
                }
            }
            assertThat(variables).as(name + ": environment variables bind to real properties").isNotEmpty()
                    .allSatisfy(variable -> assertThat(config.readsEnvironmentVariable(variable)).as(variable).isTrue());
            if (!config.hasDataSource()) {
                assertThat(variables).as(name).noneMatch(v -> v.startsWith("SPRING_DATASOURCE"));
            }

            Map<String, Object> service = manifest("Service", name);
            Map<String, Object> servicePort = map(list(at(service, "spec.ports"), "ports").get(0), "port");
            assertThat(servicePort.get("port")).as(name).isEqualTo(config.port());
            assertThat(servicePort.get("targetPort")).as(name).isIn(port.get("name"), config.port());
            assertThat(at(service, "spec.selector")).isEqualTo(at(deployment, "spec.selector.matchLabels"));
            // the ServiceMonitors' jobLabel: series get the job names of the compose scrape config
            assertThat(map(at(service, "metadata.labels"), name + " labels"))
                    .containsEntry("polysync.io/scrape-job", "polysync-" + name);
            assertThat(at(manifest("PodDisruptionBudget", name), "spec.selector.matchLabels"))
                    .isEqualTo(at(deployment, "spec.selector.matchLabels"));
        });
    }

    @Test
    void theWorkerScalesAndIsGivenTimeToDrain() {
        Map<String, Object> hpa = manifest("HorizontalPodAutoscaler", "worker-service");
        assertThat(at(hpa, "spec.scaleTargetRef.kind")).isEqualTo("Deployment");
        assertThat(at(hpa, "spec.scaleTargetRef.name")).isEqualTo("worker-service");
        assertThat((Integer) at(hpa, "spec.minReplicas")).isGreaterThanOrEqualTo(2);

        Map<String, Object> pod = map(at(manifest("Deployment", "worker-service"), "spec.template.spec"), "pod");
        Map<String, Object> container = map(list(pod.get("containers"), "containers").get(0), "container");
        long preStop = 0;
        Object preStopCommand = at(container, "lifecycle.preStop.exec.command");
        if (preStopCommand != null) {
            List<Object> command = list(preStopCommand, "preStop");
            assertThat(command.get(0)).isEqualTo("sleep");
            preStop = Long.parseLong(String.valueOf(command.get(1)));
        }
        long grace = ((Number) pod.get("terminationGracePeriodSeconds")).longValue();
        assertThat(Duration.ofSeconds(grace - preStop)).isGreaterThanOrEqualTo(ServiceConfiguration.workerDrainTime());
    }

    @Test
    void kustomizationAndServiceMonitorsReferToRealFilesAndPorts() {
        Map<String, Object> kustomization = Repository.yaml(Repository.path("deploy/kubernetes/kustomization.yml"));
        for (Object resource : list(kustomization.get("resources"), "resources")) {
            assertThat(Repository.path("deploy/kubernetes").resolve(String.valueOf(resource))).isRegularFile();
        }
        List<Map<String, Object>> monitors = manifests.stream().filter(m -> "ServiceMonitor".equals(m.get("kind")))
                .toList();
        assertThat(monitors).isNotEmpty();
        Map<String, Map<String, String>> secrets = data("Secret", "stringData");
        for (Map<String, Object> monitor : monitors) {
            for (Object endpoint : list(at(monitor, "spec.endpoints"), "endpoints")) {
                Map<String, Object> e = map(endpoint, "endpoint");
                assertThat(e.get("path")).isEqualTo("/actuator/prometheus");
                assertThat(e.get("port")).isEqualTo("http");
                assertThat(at(monitor, "spec.jobLabel")).isEqualTo("polysync.io/scrape-job");
                Object secret = at(e, "authorization.credentials.name");
                if (secret != null) {
                    assertThat(secrets).containsKey(String.valueOf(secret));
                    assertThat(secrets.get(String.valueOf(secret))).containsKey(String.valueOf(at(e, "authorization.credentials.key")));
                }
            }
        }
        Map<String, Object> taskMonitor = monitors.stream()
                .filter(m -> at(m, "spec.selector.matchLabels") instanceof Map<?, ?> labels
                        && "task-service".equals(labels.get("app.kubernetes.io/name")))
                .findFirst().orElse(null);
        assertThat(taskMonitor).as("the task-service's ServiceMonitor, which needs a token").isNotNull();
    }

    @Test
    void thePrometheusRuleCarriesExactlyTheAlertRulesOfTheRulesFile() {
        Map<String, Object> rules = Repository.yaml(Repository.path("deploy/prometheus/rules/polysync-alerts.yml"));
        assertThat(at(manifest("PrometheusRule", "polysync"), "spec.groups")).isEqualTo(rules.get("groups"));
    }

    private static Map<String, Object> manifest(String kind, String name) {
        return manifests.stream()
                .filter(m -> kind.equals(m.get("kind")) && name.equals(at(m, "metadata.name")))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " named " + name));
    }

    private static Map<String, Map<String, String>> data(String kind, String field) {
        Map<String, Map<String, String>> byName = new HashMap<>();
        manifests.stream().filter(m -> kind.equals(m.get("kind"))).forEach(m -> {
            Map<String, String> values = new TreeMap<>();
            Object data = m.get(field);
            if (data != null) {
                map(data, kind).forEach((k, v) -> values.put(k, Objects.toString(v, "")));
            }
            byName.put(String.valueOf(at(m, "metadata.name")), values);
        });
        return byName;
    }

    private static List<String> mounts(Map<String, Object> composeServices, String service) {
        return list(map(composeServices.get(service), service).get("volumes"), service + " volumes").stream()
                .map(String::valueOf).toList();
    }
}
