package io.cdrpipeline.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * What each package may import (docs/development.md, "Extending", lists the same layers): no cycles between
 * packages, and each package depends only on the packages below it.
 */
class PackageRulesTest {

    private static final JavaClasses PRODUCTION = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.cdrpipeline");

    /** Package → the packages of ours it may use. */
    private static final Map<String, Set<String>> MAY_USE = Map.ofEntries(
            Map.entry("schema", Set.of()),
            Map.entry("catalogue", Set.of("schema")),
            Map.entry("serde", Set.of("schema")),
            Map.entry("state", Set.of()),
            Map.entry("ingest", Set.of("schema")),
            Map.entry("config", Set.of("catalogue", "ingest")),
            Map.entry("normalize", Set.of("ingest", "schema")),
            Map.entry("pseudonymize", Set.of("config", "schema")),
            Map.entry("kpi", Set.of("schema")),
            Map.entry("retention", Set.of("catalogue", "config", "pseudonymize", "schema", "serde", "state")),
            Map.entry("topology", Set.of("catalogue", "config", "ingest", "kpi", "normalize", "pseudonymize", "retention", "schema", "serde",
                    "state")),
            Map.entry("produce", Set.of("catalogue", "config", "ingest", "normalize")),
            Map.entry("describe", Set.of("catalogue", "config", "retention", "schema")),
            Map.entry("ops", Set.of("config", "ingest", "retention", "schema", "topology")),
            Map.entry("audit", Set.of("catalogue", "config", "pseudonymize", "retention", "schema", "serde")),
            Map.entry("app", Set.of("audit", "catalogue", "config", "ingest", "ops", "pseudonymize", "retention", "schema", "serde",
                    "topology", "state", "normalize")));

    private static final List<String> ALL = List.of("schema", "catalogue", "serde", "state", "ingest", "config", "normalize",
            "pseudonymize", "kpi", "retention", "topology", "produce", "describe", "ops", "audit", "app", "cli");

    @Test
    void everyPackageHasItsPlaceInTheRules() {
        Set<String> packages = new TreeSet<>();
        PRODUCTION.forEach(c -> {
            String rest = c.getPackageName().replaceFirst("^io\\.cdrpipeline\\.?", "");
            packages.add(rest.isEmpty() ? "(root)" : rest.split("\\.")[0]);
        });
        assertThat(ALL).as("add a new package to ALL and MAY_USE").containsAll(packages);
    }

    @Test
    void packagesHaveNoImportCycles() {
        slices().matching("io.cdrpipeline.(*)..").should().beFreeOfCycles().check(PRODUCTION);
    }

    @Test
    void eachPackageUsesOnlyThePackagesBelowIt() {
        MAY_USE.forEach((pkg, allowed) -> {
            Set<String> forbidden = new TreeSet<>(ALL);
            forbidden.removeAll(allowed);
            forbidden.remove(pkg);
            noClasses().that().resideInAPackage("io.cdrpipeline." + pkg + "..")
                    .should().dependOnClassesThat().resideInAnyPackage(forbidden.stream()
                            .map(f -> "io.cdrpipeline." + f + "..").toArray(String[]::new))
                    .because(pkg + " sits below " + forbidden)
                    .check(PRODUCTION);
        });
    }
}
