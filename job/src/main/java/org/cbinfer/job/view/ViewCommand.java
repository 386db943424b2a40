package org.cbinfer.job.view;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.cbinfer.job.cli.UsageException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code view}: serves the {@link LiveView} until Ctrl-C. */
@Command(name = "view", header = "Live view (web page): each camera's latest frame with skeletons and figures, from Kafka.",
        description = "A web page with each camera's latest frame, its skeletons (or label mask) and figures,"
        + " read from Kafka; serves until Ctrl-C.")
public final class ViewCommand implements Callable<Integer> {
    private final PrintStream out;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", defaultValue = "localhost:9092",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE})")
    private String bootstrap;

    @Option(names = "--results", paramLabel = "TOPIC", defaultValue = "results",
            description = "the job's results topic (default: ${DEFAULT-VALUE})")
    private String results;

    @Option(names = "--frames", paramLabel = "TOPIC", defaultValue = "frames",
            description = "the frames topic the pictures come from (default: ${DEFAULT-VALUE})")
    private String frames;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "address to serve on, 0.0.0.0 = every interface (default: ${DEFAULT-VALUE})")
    private String bind;

    @Option(names = "--port", paramLabel = "N", defaultValue = "8090", description = "port (default: ${DEFAULT-VALUE})")
    private int port;

    @Option(names = "--from-beginning",
            description = "read both topics from their start (default: from shortly before their end)")
    private boolean fromBeginning;

    public ViewCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        LiveView.Builder b = LiveView.builder(bootstrap).resultsTopic(results).framesTopic(frames).bind(bind);
        try {
            b.port(port);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        if (fromBeginning) b.fromBeginning();
        CountDownLatch stopped = new CountDownLatch(1);
        try (LiveView view = b.build().start()) {
            out.println("live view at " + view.url() + " (Ctrl-C to stop)");
            Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "cbinfer-view-shutdown"));
            stopped.await();
        }
        return 0;
    }
}
