package io.github.mlops4j.artifacts.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class PathNamesTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "a",
        "model.bin",
        "a/b/c.txt",
        ".hidden",
        "a/.b/c",
        "..a",
        "a..",
        "a/...",
        "x y/z",
        "über/日本語.csv",
        "C",
        "C_/x",
        "ab:c",
        "emoji-\uD83D\uDE00"
      })
  void acceptsPlainRelativeNames(String name) {
    assertThat(PathNames.checkRelative(name, "artifact path")).isSameAs(name);
  }

  @Test
  void acceptsTheLongestAllowedName() {
    String name = "a".repeat(PathNames.MAX_LENGTH);
    assertThat(PathNames.checkRelative(name, "artifact path")).isSameAs(name);
  }

  static Stream<Arguments> rejected() {
    return Stream.of(
        Arguments.of("", "\"\" must not be empty"),
        Arguments.of("/abs", "\"/abs\" must be relative, not absolute"),
        Arguments.of("/", "must be relative"),
        Arguments.of(
            "C:/x", "\"C:/x\" must be relative, not absolute (it starts with a drive letter)"),
        Arguments.of("c:x", "drive letter"),
        Arguments.of("a:b", "drive letter"),
        Arguments.of("a\\b", "\"a\\\\b\" must not contain a backslash (index 1)"),
        Arguments.of("\\\\server\\share", "backslash"),
        Arguments.of("a\0b", "\"a\\0b\" must not contain a control character (U+0000 at index 1)"),
        Arguments.of("a\nb", "\"a\\nb\" must not contain a control character (U+000A"),
        Arguments.of("a\u007fb", "U+007F"),
        Arguments.of("a\u0085b", "U+0085"),
        Arguments.of("..", "\"..\" must not contain a '..' segment"),
        Arguments.of("../x", "\"../x\" must not contain a '..' segment"),
        Arguments.of("a/../../etc/passwd", "'..' segment"),
        Arguments.of("a/..", "'..' segment"),
        Arguments.of(".", "\".\" must not contain a '.' segment"),
        Arguments.of("./a", "'.' segment"),
        Arguments.of("a/./b", "'.' segment"),
        Arguments.of("a//b", "\"a//b\" must not contain an empty segment"),
        Arguments.of("a/", "empty segment"),
        Arguments.of(
            "a".repeat(PathNames.MAX_LENGTH + 1), "is 1001 characters long; at most 1000"));
  }

  @ParameterizedTest
  @MethodSource("rejected")
  void rejectsNamesThatCouldEscapeOrAreMalformed(String name, String messageFragment) {
    assertThatThrownBy(() -> PathNames.checkRelative(name, "artifact path"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("artifact path \"")
        .hasMessageContaining(messageFragment);
  }

  @Test
  void messageNamesTheThingBeingChecked() {
    assertThatThrownBy(() -> PathNames.checkRelative("../x", "dataset name"))
        .hasMessage(
            "dataset name \"../x\" must not contain a '..' segment (it could escape the"
                + " workspace)");
  }

  @Test
  void longValuesAreShortenedInTheMessage() {
    String name = "b".repeat(5000);
    assertThatThrownBy(() -> PathNames.checkRelative(name, "artifact path"))
        .hasMessageContaining("\"" + "b".repeat(80) + "...\" (5000 chars)")
        .hasMessageContaining("is 5000 characters long");
  }

  @Test
  void nullIsAProgrammingError() {
    assertThatThrownBy(() -> PathNames.checkRelative(null, "artifact path"))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("artifact path");
  }
}
