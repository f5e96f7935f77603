package io.github.mlops4j.console;

import java.util.logging.Level;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/** Asks Chromium to keep its console messages for the test to read. */
final class LoggingPrefs {
  private LoggingPrefs() {}

  static void browserAll(ChromeOptions options) {
    LoggingPreferences prefs = new LoggingPreferences();
    prefs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", prefs);
  }
}
