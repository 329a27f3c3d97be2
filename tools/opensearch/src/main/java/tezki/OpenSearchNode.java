package tezki;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.settings.Settings;
import org.opensearch.node.MockNode;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * A single real OpenSearch node on 127.0.0.1 for development and CI.
 *
 * <p>Built from Maven Central jars because neither Docker nor the OpenSearch distribution can be
 * fetched here. {@link MockNode} is the test framework's public way to start a node with
 * classpath plugins; it swaps in mock services only when test marker plugins are passed, and none
 * are, so this node serves real HTTP through Netty and real Lucene indices on disk.
 *
 * <p>Usage: {@code OpenSearchNode <home-dir> [http-port] [key=value ...]}; extra {@code
 * key=value} pairs are node settings that override the defaults below.
 */
public final class OpenSearchNode {

    private OpenSearchNode() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: OpenSearchNode <home-dir> [http-port] [key=value ...]");
            System.exit(2);
        }
        // Must happen before anything touches log4j: the test-framework jar ships a
        // log4j2-test.properties that would otherwise win.
        if (System.getProperty("log4j2.configurationFile") == null
                && System.getProperty("log4j.configurationFile") == null) {
            System.setProperty(
                    "log4j2.configurationFile",
                    OpenSearchNode.class.getResource("/tezki-log4j2.properties").toString());
        }
        // Our hook below closes the node; log4j's own hook would silence its last messages.
        if (System.getProperty("log4j2.shutdownHookEnabled") == null) {
            System.setProperty("log4j2.shutdownHookEnabled", "false");
        }

        Path home = Paths.get(args[0]).toAbsolutePath();
        Files.createDirectories(home);
        String httpPort = args.length > 1 ? args[1] : "9200";

        Settings.Builder settings = Settings.builder()
                .put("path.home", home.toString())
                .put("path.data", home.resolve("data").toString())
                .put("path.logs", home.resolve("logs").toString())
                .put("cluster.name", "tezki")
                .put("node.name", "tezki-node")
                .put("discovery.type", "single-node")
                .put("network.host", "127.0.0.1")
                .put("http.port", httpPort)
                .put("transport.port", "9300-9399")
                .put("http.type", Netty4Plugin.NETTY_HTTP_TRANSPORT_NAME)
                .put("transport.type", Netty4Plugin.NETTY_TRANSPORT_NAME)
                // A CI disk may be fuller than the default watermarks allow; the node would
                // then refuse to allocate shards or make indices read-only.
                .put("cluster.routing.allocation.disk.threshold_enabled", false)
                // Index names come from the application; allow creation on first write.
                .put("action.auto_create_index", true);
        for (int i = 2; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            if (eq <= 0) {
                System.err.println("not a key=value setting: " + args[i]);
                System.exit(2);
            }
            settings.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }

        List<Class<? extends Plugin>> plugins = List.of(Netty4Plugin.class, CommonAnalysisPlugin.class);
        Node node = new MockNode(settings.build(), plugins);

        // OpenSearch's own threads are daemon threads: keep the JVM alive until a signal.
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
                node.awaitClose(20, TimeUnit.SECONDS);
            } catch (Exception e) {
                e.printStackTrace();
            } finally {
                stopped.countDown();
            }
        }, "tezki-shutdown"));

        node.start();
        System.out.println("tezki: OpenSearch node started, http://127.0.0.1:" + httpPort);
        stopped.await();
    }
}
