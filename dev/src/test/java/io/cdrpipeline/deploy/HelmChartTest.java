package io.cdrpipeline.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.cdrpipeline.broker.EmbeddedKafka;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Helm chart, without a cluster: {@code helm lint --strict} and {@code helm template} (through
 * helm-java's bundled Helm) over a matrix of values, every rendered resource read strictly into the
 * Kubernetes API's model classes, and the product's invariants on the rendering — state volumes
 * deleted on scale-in and uninstall, never fewer than one instance, secrets owner-only for the
 * container's user, a grace period above {@code close.timeout}, a changed policy rolling the pods,
 * the rendered configuration accepted by {@code config --print}, and the topic job's topics passing
 * {@code retention check} on a broker.
 */
class HelmChartTest {

    static final Path CHART = Path.of("..", "deploy", "helm", "cdr-pipeline").toAbsolutePath().normalize();
    static final Path FULL = Path.of("src", "test", "resources", "helm", "full-values.yaml").toAbsolutePath();
    /** A current Kubernetes; the chart needs 1.27+ (persistentVolumeClaimRetentionPolicy on by default). */
    static final String KUBE_VERSION = "v1.32.0";
    private static final Path WORK = Path.of("target", "helm-" + System.nanoTime()).toAbsolutePath();
    private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of("ConfigMap", ConfigMap.class,
            "Service", Service.class, "StatefulSet", StatefulSet.class, "Deployment", Deployment.class,
            "PodDisruptionBudget", PodDisruptionBudget.class, "Job", Job.class, "ServiceMonitor", ServiceMonitor.class,
            "PrometheusRule", PrometheusRule.class);

    @Test
    void lintsCleanUnderStrictMode() {
        LintResult lint = new Helm(CHART).lint().strict().call();
        assertThat(lint.isFailed()).as("helm lint --strict: %s", lint.getMessages()).isFalse();
    }

    @Test
    void rendersOnlyValidResourcesForEveryValuesCase() throws Exception {
        Map<String, Integer> defaults = kinds(render(null));
        assertThat(defaults).containsOnlyKeys("ConfigMap", "Service", "StatefulSet", "PodDisruptionBudget", "Job");
        Map<String, Integer> full = kinds(render(FULL));
        assertThat(full).containsEntry("Deployment", 1).containsEntry("ServiceMonitor", 1).containsEntry("PrometheusRule", 1)
                .containsEntry("Service", 2).containsEntry("ConfigMap", 2).containsEntry("Job", 1);
        Map<String, Integer> noJob = kinds(render(null, "topicsJob.enabled", "false"));
        assertThat(noJob).doesNotContainKey("Job").containsEntry("ConfigMap", 1);
    }

    @Test
    void keepsTheDeletionPromiseInEveryValuesCase() throws Exception {
        for (Path values : new Path[] {null, FULL}) {
            List<HasMetadata> resources = render(values);
            StatefulSet sts = one(resources, StatefulSet.class);
            var retention = sts.getSpec().getPersistentVolumeClaimRetentionPolicy();
            assertThat(retention.getWhenScaled()).as("claims deleted on scale-in").isEqualTo("Delete");
            assertThat(retention.getWhenDeleted()).as("claims deleted on uninstall").isEqualTo("Delete");
            assertThat(sts.getSpec().getReplicas()).as("never fewer than one instance").isGreaterThanOrEqualTo(1);
            PodSpec pod = sts.getSpec().getTemplate().getSpec();
            Container run = container(pod, "pipeline");
            assertThat(run.getArgs()).startsWith("run");
            Map<String, String> env = env(run);
            assertThat(run.getEnv()).filteredOn(e -> e.getName().equals("CDR_KAFKA_GROUP_INSTANCE_ID")).singleElement()
                    .satisfies(e -> assertThat(e.getValueFrom().getFieldRef().getFieldPath()).as("static membership from the pod name")
                            .isEqualTo("metadata.name"));
            String stateDir = env.get("CDR_STATE_DIR");
            VolumeMount stateMount = mount(run, "state");
            assertThat(stateDir).as("state.dir on the claim").startsWith(stateMount.getMountPath() + "/");
            assertThat(sts.getSpec().getVolumeClaimTemplates()).extracting(c -> c.getMetadata().getName()).containsExactly("state");

            Duration close = Duration.parse("PT" + env.get("CDR_CLOSE_TIMEOUT").toUpperCase());
            assertThat(Duration.ofSeconds(pod.getTerminationGracePeriodSeconds())).as("grace period above close.timeout")
                    .isGreaterThan(close);

            // Non-root, read-only root file system; the probes on the ops port.
            assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
            assertThat(pod.getSecurityContext().getRunAsUser()).as("the image's user").isEqualTo(10001L);
            assertThat(run.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
            assertThat(run.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
            assertThat(run.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/health/live");
            assertThat(run.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/health/ready");
            assertThat(run.getPorts()).extracting(p -> p.getContainerPort()).containsExactly(Integer.parseInt(env.get("CDR_OPS_PORT")));

            // The master key: owner-only for uid 10001, in memory.
            ownerOnlySecret(pod, run, env.get("CDR_PSEUDONYM_MASTER_KEY_FILE"));

            // The configuration and the policy from the ConfigMap.
            assertThat(mount(run, "config").getMountPath()).isEqualTo(Path.of(env.get("CDR_RETENTION_POLICY_FILE")).getParent().toString());
            assertThat(volume(pod, "config").getConfigMap().getName()).isEqualTo(one(resources, ConfigMap.class, "cdr-pipeline").getMetadata().getName());

            PodDisruptionBudget pdb = one(resources, PodDisruptionBudget.class);
            assertThat(pdb.getSpec().getSelector().getMatchLabels()).isEqualTo(sts.getSpec().getSelector().getMatchLabels());
        }
        List<HasMetadata> full = render(FULL);
        Deployment ingest = one(full, Deployment.class);
        PodSpec pod = ingest.getSpec().getTemplate().getSpec();
        Container c = container(pod, "ingest");
        Map<String, String> env = env(c);
        ownerOnlySecret(pod, c, env.get("CDR_INGEST_HTTP_CREDENTIALS_FILE"));
        ownerOnlySecret(pod, c, env.get("CDR_INGEST_HTTP_TLS_KEYSTORE"));
        assertThat(c.getEnv()).filteredOn(e -> e.getName().equals("CDR_INGEST_HTTP_TLS_KEYSTORE_PASSWORD")).singleElement()
                .satisfies(e -> assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("ingest-tls"));
        PodSpec pipelinePod = one(full, StatefulSet.class).getSpec().getTemplate().getSpec();
        Map<String, String> pipelineEnv = env(container(pipelinePod, "pipeline"));
        assertThat(pipelineEnv).containsKeys("CDR_KAFKA_SECURITY_PROTOCOL", "CDR_KAFKA_SASL_MECHANISM", "CDR_KAFKA_SASL_JAAS_CONFIG");
        // The audit signing key: owner-only like the master key, next to it.
        ownerOnlySecret(pipelinePod, container(pipelinePod, "pipeline"), pipelineEnv.get("CDR_AUDIT_SIGNING_KEY_FILE"));
        assertThat(volume(pipelinePod, "secrets-in").getProjected().getSources()).extracting(s -> s.getSecret().getName())
                .containsExactly("cdr-pipeline-master-key", "cdr-pipeline-audit-key");
        Job job = one(full, Job.class);
        assertThat(job.getSpec().getTemplate().getSpec().getInitContainers()).extracting(Container::getArgs)
                .singleElement().satisfies(a -> assertThat(a).containsSequence("topics").contains("--apply"));
        assertThat(container(job.getSpec().getTemplate().getSpec(), "acls").getArgs()).contains("--apply",
                "pipeline=User:cdr", "ops=User:dpo");
        PrometheusRule rule = one(full, PrometheusRule.class);
        assertThat(rule.getSpec().getGroups()).flatExtracting(g -> g.getRules()).hasSize(9);
        assertThat(rule.getMetadata().getLabels()).containsEntry("release", "prometheus");
    }

    @Test
    void theTopicJobIsAHookBeforeInstallAndUpgrade() throws Exception {
        String template = Files.readString(CHART.resolve("templates/topics-job.yaml"));
        // Its ConfigMap first (hooks run before the release's own resources exist), then the job.
        assertThat(template.split("helm.sh/hook: pre-install,pre-upgrade", -1)).as("two hook resources").hasSize(3);
        assertThat(template).contains("helm.sh/hook-weight: \"-10\"", "helm.sh/hook-weight: \"0\"",
                "helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded");
        assertThat(kinds(render(null))).as("rendered without the hooks' annotations").containsEntry("Job", 1);
        assertThat(new Helm(CHART).template().withKubeVersion(KUBE_VERSION).call()).as("with them: a hook, not in the manifest")
                .doesNotContain("kind: Job");
    }

    @Test
    void refusesWhatWouldBreakThePromise() {
        assertThatThrownBy(() -> render(null, "pipeline.replicas", "0")).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> render(null, "ingest.enabled", "true")).hasMessageContaining("ingest.credentialsSecret");
        assertThatThrownBy(() -> render(null, "masterKey.existingSecret", "")).hasMessageContaining("masterKey.existingSecret");
        assertThatThrownBy(() -> render(null, "topicsJob.acls.enabled", "true")).hasMessageContaining("principals");
        assertThatThrownBy(() -> new Helm(CHART).template().withKubeVersion("v1.26.9").call())
                .as("a cluster that would keep the volumes").hasMessageContaining("kubeVersion");
    }

    @Test
    void aChangedPolicyOrConfigurationRollsThePods() throws Exception {
        String before = checksum(render(null));
        String policy = "version: 2\\nwindows:\\n  billing: 90d\\n  analytics: 30d\\n";
        assertThat(checksum(render(null, "retentionPolicy", policy))).isNotEqualTo(before);
        assertThat(checksum(render(null, "configuration", "bootstrap.servers=other:9092\\n"))).isNotEqualTo(before);
        assertThat(checksum(render(null, "pipeline.replicas", "3"))).as("scaling does not roll").isEqualTo(before);
    }

    /**
     * The rendered ConfigMap and container environment, as the pod sees them: {@code config --print}
     * accepts them and shows the chart's settings; the topic job's {@code topics --apply} on a broker
     * leaves topics that pass {@code retention check}.
     */
    @Test
    void theRenderedConfigurationRunsAndItsTopicsPassRetentionCheck() throws Exception {
        List<HasMetadata> resources = render(null);
        Path root = WORK.resolve("pod");
        Path config = Files.createDirectories(root.resolve("etc"));
        Path secrets = Files.createDirectories(root.resolve("secrets"));
        ConfigMap cm = one(resources, ConfigMap.class, "cdr-pipeline");
        for (var e : cm.getData().entrySet()) {
            Files.writeString(config.resolve(e.getKey()), e.getValue());
        }
        Path key = secrets.resolve("master.key");
        Files.writeString(key, java.util.Base64.getEncoder().encodeToString(new byte[32]).replace('A', 'k') + "\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("r--------"));
        StatefulSet sts = one(resources, StatefulSet.class);
        Container run = container(sts.getSpec().getTemplate().getSpec(), "pipeline");
        Map<String, String> env = podEnv(run, Map.of("/etc/cdr-pipeline", config, "/run/cdr-pipeline/secrets", secrets,
                "/var/lib/cdr-pipeline", root.resolve("state")));
        String printed = cli(env, "config", "--print", "--config", config.resolve("pipeline.properties").toString());
        assertThat(printed).contains("close.timeout=30s", "kafka.group.instance.id=cdr-pipeline-0",
                "state.dir=" + root.resolve("state").resolve("state"), "ops.port=8080",
                "pseudonym.master.key.file=" + key);

        Job job = one(resources, Job.class);
        Container topics = job.getSpec().getTemplate().getSpec().getContainers().get(0);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(WORK.resolve("broker"), 0, Map.of())) {
            Map<String, String> jobEnv = podEnv(topics, Map.of("/etc/cdr-pipeline", config));
            // The one difference from the cluster: a single-broker cluster here.
            jobEnv.put("CDR_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
            jobEnv.put("CDR_TOPIC_REPLICATION_FACTOR", "1");
            List<String> args = new ArrayList<>(topics.getArgs());
            args.set(args.indexOf("--config") + 1, config.resolve("pipeline.properties").toString());
            cli(jobEnv, args.toArray(String[]::new));
            assertThat(cli(jobEnv, "retention", "check", "--config", config.resolve("pipeline.properties").toString()))
                    .contains("OK");
        }
    }

    // ---- rendering

    /**
     * helm-java's template returns the release manifest, which leaves hooks out (the CLI prints them
     * too): the chart is rendered from a copy whose hook annotations are removed, so the topic job is
     * rendered and checked like the rest; {@link #theTopicJobIsAHookBeforeInstallAndUpgrade} checks the
     * annotations themselves.
     */
    static List<HasMetadata> render(Path values, String... set) throws Exception {
        Path chart = WORK.resolve("chart-with-hooks-rendered");
        if (!Files.exists(chart)) {
            try (var files = Files.walk(CHART)) {
                for (Path f : files.toList()) {
                    Path to = chart.resolve(CHART.relativize(f).toString());
                    if (Files.isDirectory(f)) {
                        Files.createDirectories(to);
                    } else {
                        Files.writeString(to, String.join("\n", Files.readAllLines(f).stream()
                                .filter(l -> !l.contains("helm.sh/hook")).toList()) + "\n");
                    }
                }
            }
        }
        TemplateCommand t = new Helm(chart).template().withName("cdr-pipeline").withNamespace("telco")
                .withKubeVersion(KUBE_VERSION);
        if (values != null) {
            t = t.withValuesFile(values);
        }
        for (int i = 0; i < set.length; i += 2) {
            t = t.set(set[i], set[i + 1]);
        }
        String yaml = t.call();
        List<HasMetadata> out = new ArrayList<>();
        for (JsonNode doc : StrictModels.documents(yaml)) {
            Class<? extends HasMetadata> type = KINDS.get(doc.path("kind").asText());
            assertThat(type).as("a kind the chart may render: %s", doc.path("kind")).isNotNull();
            out.add(StrictModels.read(doc, type));
        }
        return out;
    }

    private static Map<String, Integer> kinds(List<HasMetadata> resources) {
        Map<String, Integer> m = new TreeMap<>();
        resources.forEach(r -> m.merge(r.getKind(), 1, Integer::sum));
        return m;
    }

    static <T extends HasMetadata> T one(List<HasMetadata> resources, Class<T> type) {
        List<T> of = resources.stream().filter(type::isInstance).map(type::cast).toList();
        assertThat(of).as(type.getSimpleName()).hasSize(1);
        return of.get(0);
    }

    private static <T extends HasMetadata> T one(List<HasMetadata> resources, Class<T> type, String name) {
        return resources.stream().filter(type::isInstance).map(type::cast).filter(r -> r.getMetadata().getName().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name));
    }

    private static Container container(PodSpec pod, String name) {
        return pod.getContainers().stream().filter(c -> c.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no container " + name));
    }

    private static VolumeMount mount(Container c, String volume) {
        return c.getVolumeMounts().stream().filter(m -> m.getName().equals(volume)).findFirst()
                .orElseThrow(() -> new AssertionError(c.getName() + " mounts no " + volume));
    }

    private static Volume volume(PodSpec pod, String name) {
        return pod.getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no volume " + name));
    }

    private static Map<String, String> env(Container c) {
        Map<String, String> m = new HashMap<>();
        for (EnvVar e : c.getEnv()) {
            m.put(e.getName(), e.getValue());
        }
        return m;
    }

    /**
     * {@code file} lies on a memory volume mounted read-only, filled by an init container of the pod's
     * user (no other runAsUser) that copies the Secret under umask 077 and chmods 0400: owner-only for
     * uid 10001 — a Secret volume cannot be (group-readable under fsGroup, root's without).
     */
    private static void ownerOnlySecret(PodSpec pod, Container c, String file) {
        VolumeMount m = c.getVolumeMounts().stream().filter(v -> file.startsWith(v.getMountPath() + "/")).findFirst()
                .orElseThrow(() -> new AssertionError(file + " is on no mount of " + c.getName()));
        assertThat(m.getReadOnly()).isTrue();
        Volume v = volume(pod, m.getName());
        assertThat(v.getEmptyDir()).as("%s: an in-memory volume", file).isNotNull();
        assertThat(v.getEmptyDir().getMedium()).isEqualTo("Memory");
        Container copy = pod.getInitContainers().stream().filter(i -> i.getVolumeMounts().stream()
                .anyMatch(im -> im.getName().equals(v.getName()) && !Boolean.TRUE.equals(im.getReadOnly()))).findFirst()
                .orElseThrow(() -> new AssertionError("no init container fills " + v.getName()));
        assertThat(copy.getSecurityContext().getRunAsUser()).as("runs as the pod's user").isNull();
        String script = String.join(" ", copy.getCommand());
        assertThat(script).contains("umask 077", "chmod 0400");
        String source = copy.getVolumeMounts().stream().filter(im -> !im.getName().equals(v.getName())).findFirst()
                .orElseThrow().getName();
        Volume in = volume(pod, source);
        assertThat(in.getSecret() != null || in.getProjected() != null).as("copied from a Secret").isTrue();
    }

    private static String checksum(List<HasMetadata> resources) {
        return one(resources, StatefulSet.class).getSpec().getTemplate().getMetadata().getAnnotations().get("checksum/config");
    }

    /** The container's environment as the pod gets it (pod name cdr-pipeline-0), paths moved under this test's directory. */
    private static Map<String, String> podEnv(Container c, Map<String, Path> moved) {
        Map<String, String> env = new HashMap<>();
        for (EnvVar e : c.getEnv()) {
            String value = e.getValue();
            if (e.getValueFrom() != null && e.getValueFrom().getFieldRef() != null) {
                value = "cdr-pipeline-0";
            }
            if (value == null || e.getName().equals("JAVA_TOOL_OPTIONS")) {
                continue;
            }
            for (var m : moved.entrySet()) {
                if (value.startsWith(m.getKey())) {
                    value = m.getValue() + value.substring(m.getKey().length());
                }
            }
            env.put(e.getName(), value);
        }
        return env;
    }

    /** The CLI in a child JVM with {@code env}; returns standard output, failing on a non-zero exit. */
    private static String cli(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), "io.cdrpipeline.cli.CdrPipelineCli"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("CDR_"));
        pb.environment().putAll(env);
        Path err = Files.createTempFile(Files.createDirectories(WORK), "cli", ".err");
        Process p = pb.redirectError(err.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s: %s%s", String.join(" ", args), out, Files.readString(err)).isZero();
        return out;
    }
}
