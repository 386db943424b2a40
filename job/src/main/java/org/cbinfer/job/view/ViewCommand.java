package org.cbinfer.job.view;

import java.io.PrintStream;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.cbinfer.job.cli.Args;

/** {@code view}: serves the {@link LiveView} until Ctrl-C. */
public final class ViewCommand {
    public static final String USAGE = String.join("\n",
            "view [--bootstrap HOST:PORT] [--results TOPIC] [--frames TOPIC] [--bind ADDRESS] [--port N] [--from-beginning]",
            "  a web page with each camera's latest frame, its skeletons (or label mask) and figures, from Kafka",
            "  --bootstrap       Kafka bootstrap servers (default localhost:9092)",
            "  --results         the job's results topic (default results)",
            "  --frames          the frames topic the pictures come from (default frames)",
            "  --bind            address to serve on (default 127.0.0.1; 0.0.0.0: every interface)",
            "  --port            port (default 8090)",
            "  --from-beginning  read both topics from their start instead of shortly before their end");

    private ViewCommand() {}

    public static int run(List<String> argv, PrintStream out) throws Exception {
        Args args = Args.parse(argv, Set.of("bootstrap", "results", "frames", "bind", "port"), Set.of("from-beginning"));
        LiveView.Builder b = LiveView.builder(args.get("bootstrap", "localhost:9092"))
                .resultsTopic(args.get("results", "results"))
                .framesTopic(args.get("frames", "frames"))
                .bind(args.get("bind", "127.0.0.1"));
        try {
            b.port(args.intValue("port", 8090));
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
        if (args.has("from-beginning")) b.fromBeginning();
        CountDownLatch stopped = new CountDownLatch(1);
        try (LiveView view = b.build().start()) {
            out.println("live view at " + view.url() + " (Ctrl-C to stop)");
            Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "cbinfer-view-shutdown"));
            stopped.await();
        }
        return 0;
    }
}
