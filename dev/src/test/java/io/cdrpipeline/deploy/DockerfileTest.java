package io.cdrpipeline.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The image's build stage runs Maven on the parent pom, which reads every module's pom even when it
 * builds one: a module added to the parent must have its pom copied, or {@code docker build} fails
 * ("Child module … does not exist") long after the change that broke it.
 */
class DockerfileTest {

    @Test
    void theBuildStageCopiesEveryModulesPom() throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        String parent = Files.readString(root.resolve("pom.xml"));
        List<String> modules = new ArrayList<>();
        Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(parent);
        while (m.find()) {
            modules.add(m.group(1));
        }
        assertThat(modules).as("the parent's modules").contains("streams", "schemas");
        List<String> copies = Files.readAllLines(root.resolve("Dockerfile")).stream().map(String::strip)
                .filter(l -> l.startsWith("COPY ")).toList();
        for (String module : modules) {
            assertThat(copies).as("Dockerfile copies %s's pom (or the whole module)", module)
                    .containsAnyOf("COPY " + module + "/pom.xml " + module + "/pom.xml", "COPY " + module + " " + module);
        }
    }
}
