package io.cdrpipeline.architecture;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** What each package may import: no cycles between the packages of the production code. */
class PackageRulesTest {

    private static final JavaClasses PRODUCTION = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.cdrpipeline");

    @Test
    void packagesHaveNoImportCycles() {
        slices().matching("io.cdrpipeline.(*)..").should().beFreeOfCycles().check(PRODUCTION);
    }
}
