package io.cdrpipeline.cli;

import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.normalize.ClearNumber;
import io.cdrpipeline.ingest.DialPlan;
import io.cdrpipeline.normalize.SubjectNumbers;
import io.cdrpipeline.pseudonymize.Pseudonymizer;
import io.cdrpipeline.schema.NumberType;
import io.cdrpipeline.schema.SubjectKind;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * How an operator names a data subject ({@code erase}, {@code access}): a phone number in any
 * spelling the pipeline accepts, a SIP identity, an extension of one source, an account, or one
 * CDR by its record id. It
 * resolves to the same subject input the pipeline derives from each billing record
 * ({@link Pseudonymizer#subjectInputs}), so every spelling finds the same records.
 */
final class SubjectOptions {

    @ArgGroup(exclusive = true, multiplicity = "1")
    Subject subject;

    static final class Subject {
        @Option(names = "--subject", paramLabel = "NUMBER", description = "Phone number in any spelling the pipeline "
                + "accepts (+44…, 0044…; national with --source or --region), a SIP identity (sip:user@host), or, "
                + "with --source, an extension or any other party as that switch logs it.")
        String number;

        @Option(names = "--account", paramLabel = "ACCOUNT", description = "Account code.")
        String account;

        @Option(names = "--record", paramLabel = "RECORD_ID", description = "One CDR by its record id (as an access "
                + "export gives it): for records whose parties no dialling-plan rule recognised.")
        String record;
    }

    @Option(names = "--region", description = "Read a national number under this region's default plan.")
    String region;

    @Option(names = "--source", description = "Read a national number under this configured source's dialling plan.")
    String source;

    /** A resolved subject: its kind and its input (see {@link Pseudonymizer#subjectInputs}). */
    record Resolved(SubjectKind kind, String input) {
    }

    Resolved resolve(PipelineConfig config) {
        if (subject.record != null) {
            return new Resolved(SubjectKind.RECORD, Pseudonymizer.recordInput(subject.record.strip()));
        }
        if (subject.number == null) {
            return new Resolved(SubjectKind.ACCOUNT, Pseudonymizer.accountInput(subject.account.strip()));
        }
        DialPlan plan = source != null ? config.requireSource(source.strip()).plan()
                : region != null ? DialPlan.defaults(region) : SubjectNumbers.internationalOnly();
        ClearNumber n = source != null ? SubjectNumbers.readOnSource(subject.number, plan)
                : SubjectNumbers.read(subject.number, plan);
        if (n.type() == NumberType.SIP_IDENTITY) {
            return new Resolved(SubjectKind.SIP_IDENTITY, Pseudonymizer.sipInput(n.value()));
        }
        if (n.type() == NumberType.E164) {
            return new Resolved(SubjectKind.NUMBER, Pseudonymizer.numberInput(n.value()));
        }
        if (n.type() == NumberType.EXTENSION || n.type() == NumberType.UNKNOWN) {
            // An extension (or a party no rule recognised) is someone on that switch only.
            return new Resolved(SubjectKind.EXTENSION, Pseudonymizer.localPartyInput(n.type(), source.strip(), n.value()));
        }
        throw new IllegalArgumentException("--subject is a " + n.type() + ", which identifies a service, not a person");
    }
}
