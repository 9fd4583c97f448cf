package io.cdrpipeline.cli;

import io.cdrpipeline.app.AclPlan;
import io.cdrpipeline.app.StrimziResources;
import io.cdrpipeline.catalogue.Role;
import io.cdrpipeline.app.ClusterChecks;
import io.cdrpipeline.config.PipelineConfig;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AclBinding;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Prints, or applies, the ACLs each kind of user needs (see {@link AclPlan}). */
@Command(name = "acls", mixinStandardHelpOptions = true,
        description = "Print (or --apply) the ACLs of the pipeline, switch producers, billing systems, analysts and ops.")
final class AclsCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions kafka;

    @Option(names = "--principal", paramLabel = "ROLE=User:NAME", required = true,
            description = "Principal of a role: pipeline, producer, billing, analyst, ops (repeat per role).")
    Map<String, String> principals;

    @Option(names = "--apply", description = "Create the ACLs (needs a principal allowed to alter ACLs).")
    boolean apply;

    @Option(names = "--strimzi", paramLabel = "CLUSTER",
            description = "Print the principals as Strimzi KafkaUser resources of this Kafka cluster, with these ACLs "
                    + "(kubectl apply -f -); contacts no cluster.")
    String strimzi;

    @Option(names = "--strimzi-authentication", paramLabel = "TYPE", defaultValue = "scram-sha-512",
            description = "With --strimzi: scram-sha-512 (default), tls or tls-external.")
    String authentication;

    @Option(names = "--namespace", paramLabel = "NS", description = "With --strimzi: the resources' namespace.")
    String namespace;

    @Override
    public Integer call() throws Exception {
        PipelineConfig c = kafka.load();
        Map<Role, String> byRole = new EnumMap<>(Role.class);
        principals.forEach((role, principal) -> {
            Role r;
            try {
                r = Role.valueOf(role.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--principal: unknown role '" + role + "'; roles: pipeline, producer, "
                        + "billing, analyst, ops");
            }
            if (!principal.matches("[A-Za-z]+:.+")) {
                throw new IllegalArgumentException("--principal " + role + ": expected a principal such as User:name");
            }
            byRole.put(r, principal);
        });
        List<AclBinding> bindings = AclPlan.bindings(c, byRole);
        if (strimzi != null) {
            if (apply) {
                throw new IllegalArgumentException("--strimzi prints resources for Strimzi's User Operator to apply; "
                        + "give it or --apply, not both");
            }
            System.out.print(StrimziResources.yaml(StrimziResources.users(bindings, strimzi, namespace, authentication)));
            return 0;
        }
        bindings.forEach(b -> System.out.println(b.entry().principal() + " " + b.entry().permissionType() + " "
                + b.entry().operation() + " " + b.pattern().resourceType() + " " + b.pattern().patternType() + " "
                + b.pattern().name()));
        if (apply) {
            ClusterChecks.awaitCluster(c);
            try (Admin admin = Admin.create(ClusterChecks.adminProps(c))) {
                admin.createAcls(bindings).all().get();
            } catch (Exception e) {
                RuntimeException refused = ClusterChecks.refusal(c, Role.OPS, "creating ACLs", e);
                throw refused != null ? refused : e;
            }
            System.err.println(bindings.size() + " ACL(s) applied");
        }
        return 0;
    }
}
