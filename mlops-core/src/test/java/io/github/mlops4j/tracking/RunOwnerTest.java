package io.github.mlops4j.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The host name of a run's holder comes from the system, never from DNS. */
class RunOwnerTest {
  @Test
  void theHostNameIsTheKernelsName_elseTheEnvironments_elseEtcHostname() {
    Map<String, String> files =
        Map.of("/proc/sys/kernel/hostname", "kernel-name\n", "/etc/hostname", "etc-name");
    Map<String, String> env = Map.of("COMPUTERNAME", "windows-name", "HOSTNAME", "env-name");
    assertThat(RunOwner.hostName(files::get, env::get)).isEqualTo("kernel-name");
    assertThat(RunOwner.hostName(p -> p.equals("/etc/hostname") ? "etc-name" : null, env::get))
        .isEqualTo("windows-name");
    assertThat(RunOwner.hostName(p -> null, Map.of("HOSTNAME", "env-name")::get))
        .isEqualTo("env-name");
    assertThat(RunOwner.hostName(p -> p.equals("/etc/hostname") ? " etc-name " : null, k -> null))
        .isEqualTo("etc-name");
    assertThat(RunOwner.hostName(p -> null, k -> " ")).isEqualTo("unknown");
  }

  @Test
  void onLinux_theOwnerCarriesTheKernelsHostName() throws Exception {
    Path kernel = Path.of("/proc/sys/kernel/hostname");
    assumeTrue(Files.isReadable(kernel));
    assertThat(RunOwner.forThisProcess().host()).isEqualTo(Files.readString(kernel).strip());
  }
}
