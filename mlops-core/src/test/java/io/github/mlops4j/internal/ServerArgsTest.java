package io.github.mlops4j.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerArgsTest {
  private static final String UNSET = "MLOPS4J_TEST_TOKEN_THAT_IS_NEVER_SET";

  @Test
  void readsTheOptions_andPassesOnlyTheGivenOnes() {
    ServerArgs a =
        ServerArgs.parse(new String[] {"--port", "0", "--workspace", "ws", "--host", "::1"}, UNSET);
    assertThat(a).isEqualTo(new ServerArgs(Path.of("ws"), "::1", 0, null));
    List<String> set = new ArrayList<>();
    a.apply(h -> set.add("host " + h), p -> set.add("port " + p), t -> set.add("token"));
    assertThat(set).containsExactly("host ::1", "port 0");

    set.clear();
    ServerArgs.parse(new String[] {"--workspace", "ws"}, UNSET)
        .apply(h -> set.add("host"), p -> set.add("port"), t -> set.add("token"));
    assertThat(set).isEmpty();
  }

  @Test
  void badCommandLines_areRefusedWithTheirReason() {
    assertThatThrownBy(() -> ServerArgs.parse(new String[] {}, UNSET))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--workspace DIR is required");
    assertThatThrownBy(() -> ServerArgs.parse(new String[] {"--workspace"}, UNSET))
        .hasMessage("--workspace needs a value");
    assertThatThrownBy(
            () -> ServerArgs.parse(new String[] {"--port", "80x", "--workspace", "w"}, UNSET))
        .hasMessage("--port needs a number, not '80x'");
    String huge = "--" + "x".repeat(5_000);
    assertThatThrownBy(() -> ServerArgs.parse(new String[] {huge, "v"}, UNSET))
        .hasMessageStartingWith("Unknown option '--xxx")
        .hasMessageContaining("(5002 characters)")
        .hasMessageEndingWith("; use --workspace, --host, --port");
    assertThat(catchMessage(() -> ServerArgs.parse(new String[] {huge, "v"}, UNSET)).length())
        .isLessThan(200);
  }

  private static String catchMessage(Runnable r) {
    try {
      r.run();
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
    throw new AssertionError("no exception");
  }
}
