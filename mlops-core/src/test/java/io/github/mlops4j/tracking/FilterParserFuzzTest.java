package io.github.mlops4j.tracking;

import com.code_intelligence.jazzer.junit.FuzzTest;

class FilterParserFuzzTest {
  @FuzzTest(maxDuration = "30s")
  void parse(byte[] input) {
    String s = new String(input, java.nio.charset.StandardCharsets.UTF_8);
    try {
      FilterParser.parse(s);
    } catch (InvalidFilterException e) {
      // documented
    }
  }
}
