package org.cbinfer.connectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.PublicEvolving;
import org.cbinfer.testkit.ApiStability;
import org.junit.jupiter.api.Test;

/** Every public type of this module says whether it is API ({@code @PublicEvolving}) or not ({@code @Internal}). */
class ApiStabilityTest {
    @Test
    void everyPublicTypeIsMarkedPublicEvolvingOrInternal() throws Exception {
        assertEquals(List.of(), ApiStability.unmarked(Path.of("target/classes"), "org.cbinfer.connectors",
                PublicEvolving.class, Internal.class));
    }
}
