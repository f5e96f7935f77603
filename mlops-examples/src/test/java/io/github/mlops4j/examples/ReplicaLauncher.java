package io.github.mlops4j.examples;

import io.github.mlops4j.testing.PausingDataSource;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@link ReplicaService#main} with one more control path for {@link ReplicaIT}: {@code POST
 * /register-and-hang?seed=<s>} registers and promotes as {@code /register} does, but holds the
 * registration's transaction before its commit (its version row is written, not committed) and
 * prints {@code paused-before-commit} on standard output, so that the test can kill the process at
 * exactly that point. The request never answers.
 */
final class ReplicaLauncher {
  /** Printed when the registration is held before its commit. */
  static final String PAUSED = "paused-before-commit";

  private ReplicaLauncher() {}

  public static void main(String[] args) throws Exception {
    Examples.quietTribuo();
    AtomicReference<PausingDataSource> pausing = new AtomicReference<>();
    ReplicaService replica =
        ReplicaService.start(
            ReplicaService.Settings.load(),
            pool -> {
              PausingDataSource p = new PausingDataSource(pool);
              pausing.set(p);
              return p;
            });
    replica.route(
        "/register-and-hang",
        (query, body) -> {
          PausingDataSource p = pausing.get();
          p.pauseNextCommit(Thread.currentThread());
          Thread announcer =
              new Thread(
                  () -> {
                    try {
                      p.awaitRead();
                      System.out.println(PAUSED);
                      System.out.flush();
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  },
                  "announcer");
          announcer.setDaemon(true);
          announcer.start();
          return "version="
              + replica.register(Long.parseLong(query.getOrDefault("seed", "1")), true).version();
        });
    ReplicaService.run(replica, System.out);
  }
}
