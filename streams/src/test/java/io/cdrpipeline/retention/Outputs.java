package io.cdrpipeline.retention;

import java.util.List;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;

/** Reads a TopologyTestDriver output topic as a consumer of ours does: skipping the sweeps' keep-alives. */
final class Outputs {

    private Outputs() {
    }

    static <V> TestRecord<String, V> next(TestOutputTopic<String, V> topic) {
        while (true) {
            TestRecord<String, V> r = topic.readRecord();
            if (!KeepAlive.isKeepAlive(r.key())) {
                return r;
            }
        }
    }

    static <V> boolean none(TestOutputTopic<String, V> topic) {
        return all(topic).isEmpty();
    }

    static <V> List<TestRecord<String, V>> all(TestOutputTopic<String, V> topic) {
        return topic.readRecordsToList().stream().filter(r -> !KeepAlive.isKeepAlive(r.key())).toList();
    }
}
