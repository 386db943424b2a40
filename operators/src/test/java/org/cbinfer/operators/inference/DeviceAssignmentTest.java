package org.cbinfer.operators.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.flink.api.common.externalresource.ExternalResourceInfo;
import org.cbinfer.operators.inference.DeviceAssignment.Device;
import org.cbinfer.operators.inference.DeviceAssignment.Source;
import org.junit.jupiter.api.Test;

/** Which device each subtask takes: the TaskManager's GPU resources first, else the configured list. */
class DeviceAssignmentTest {
    /**
     * A GPU as Flink's GPU plugin describes it (its {@code GPUInfo} lives in the plugin jar, outside the job's
     * class path): properties by name, {@code index} among them.
     */
    private record Gpu(Map<String, String> properties) implements ExternalResourceInfo {
        static Gpu index(String index) {
            return new Gpu(Map.of("index", index));
        }

        @Override
        public Optional<String> getProperty(String key) {
            return Optional.ofNullable(properties.get(key));
        }

        @Override
        public Collection<String> getKeys() {
            return properties.keySet();
        }
    }

    private static List<Integer> spread(int subtasks, Set<Gpu> gpus, List<Integer> devices) {
        return IntStream.range(0, subtasks).mapToObj(i -> DeviceAssignment.choose(i, gpus, devices).index()).toList();
    }

    @Test
    void aSingleExternalGpuServesEverySubtask() {
        Device d = DeviceAssignment.choose(3, Set.of(Gpu.index("2")), List.of(0, 1));
        assertEquals(2, d.index());
        assertEquals(Source.EXTERNAL_RESOURCE, d.source());
        assertEquals("subtask 3 -> device 2 (Flink external resource 'gpu' [2], subtask 3 mod 1)", d.describe());
    }

    @Test
    void severalExternalGpusAreSpreadInIndexOrderAndOverrideTheList() {
        // a set has no order: the spread follows the indexes, so every TaskManager agrees
        Set<Gpu> gpus = Set.of(Gpu.index("3"), Gpu.index("1"), Gpu.index("2"));
        assertEquals(List.of(1, 2, 3, 1, 2, 3, 1), spread(7, gpus, List.of(0)));
        assertEquals(List.of(1, 2, 3), DeviceAssignment.choose(0, gpus, List.of(0)).candidates());
    }

    @Test
    void withoutExternalGpusTheListIsSpreadBySubtask() {
        assertEquals(List.of(0, 1, 2, 3, 0, 1), spread(6, Set.of(), List.of(0, 1, 2, 3)));
        assertEquals(List.of(5, 5, 5), spread(3, Set.of(), List.of(5)), "the single backend.device");
        assertEquals(List.of(0, 0, 1, 0, 0, 1), spread(6, Set.of(), List.of(0, 0, 1)), "a device listed twice gets twice the share");
        Device d = DeviceAssignment.choose(5, null, List.of(0, 1));
        assertEquals(Source.DEVICE_LIST, d.source());
        assertEquals("subtask 5 -> device 1 (configured device list [0, 1], subtask 5 mod 2)", d.describe());
    }

    @Test
    void deviceListsParse() {
        assertEquals(List.of(0, 1, 2, 3), DeviceAssignment.parseList("0,1,2,3"));
        assertEquals(List.of(7), DeviceAssignment.parseList(" 7 "));
        assertEquals(List.of(1, 0), DeviceAssignment.parseList("1, 0"));
    }

    @Test
    void badInputIsAClearError() {
        assertMessage("device list '0,,1': '' is not a device index", () -> DeviceAssignment.parseList("0,,1"));
        assertMessage("device list '0,x': 'x' is not a device index (an integer >= 0)", () -> DeviceAssignment.parseList("0,x"));
        assertMessage("'-1' is not a device index", () -> DeviceAssignment.parseList("-1"));
        assertMessage("an empty device list", () -> DeviceAssignment.parseList(" "));
        assertMessage("external resource 'gpu': a GPU without the property 'index' (it has [uuid])",
                () -> DeviceAssignment.choose(0, Set.of(new Gpu(Map.of("uuid", "GPU-1f2e"))), List.of(0)));
        assertMessage("external resource 'gpu' property 'index': 'GPU-0' is not a device index",
                () -> DeviceAssignment.choose(0, Set.of(Gpu.index("GPU-0")), List.of(0)));
        assertMessage("the device list is empty", () -> DeviceAssignment.choose(0, Set.of(), List.of()));
    }

    private static void assertMessage(String part, org.junit.jupiter.api.function.Executable e) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        assertTrue(ex.getMessage().contains(part), ex.getMessage());
    }
}
