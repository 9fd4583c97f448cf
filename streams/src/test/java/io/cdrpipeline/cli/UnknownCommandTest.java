package io.cdrpipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Issue 22, finding 9: a mistyped command is an error whatever follows it, so a script can tell. */
class UnknownCommandTest {

    @Test
    void shouldRefuseACommandThatDoesNotExistWhateverOptionsFollow() {
        assertThat(CdrPipelineCli.execute("kpis", "--help")).isEqualTo(2);
        assertThat(CdrPipelineCli.execute("kpis")).isEqualTo(2);
        assertThat(CdrPipelineCli.execute("retention", "chek", "--help")).isEqualTo(2);
        assertThat(CdrPipelineCli.unknownCommand(CdrPipelineCli.commandLine(), "--verbose", "kpis", "--help"))
                .contains("'kpis' is not a command of cdr-pipeline", "erase", "retention");
    }

    @Test
    void shouldStillAnswerHelpForCommandsThatExist() {
        assertThat(CdrPipelineCli.execute("--help")).isZero();
        assertThat(CdrPipelineCli.execute("erase", "--help")).isZero();
        assertThat(CdrPipelineCli.execute("retention", "report", "--help")).isZero();
        assertThat(CdrPipelineCli.execute("help", "erase")).isZero();
        assertThat(CdrPipelineCli.execute("kpi", "--help")).isZero();
    }
}
