package org.cbinfer.job;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * {@code bin/cbinfer --version}: this build's version and the versions of the stack it was built with, from
 * {@code version.properties}, a resource Maven fills in at build time (so it is right in {@code target/classes} as in
 * the jar).
 */
final class CliVersion implements IVersionProvider {
    static final String RESOURCE = "version.properties";

    @Override
    public String[] getVersion() throws IOException {
        Properties v = new Properties();
        try (InputStream in = CliVersion.class.getResourceAsStream(RESOURCE)) {
            if (in == null) return new String[] {"cbinfer (version unknown: no " + RESOURCE + " beside " + CliVersion.class.getName() + ")"};
            v.load(in);
        }
        return new String[] {
            "cbinfer " + v.getProperty("cbinfer"),
            "Flink " + v.getProperty("flink") + ", Flink Kafka connector " + v.getProperty("flink-connector-kafka")
                    + ", Kafka clients " + v.getProperty("kafka") + ", JavaCPP CUDA presets " + v.getProperty("cuda-presets"),
            "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"
        };
    }
}
