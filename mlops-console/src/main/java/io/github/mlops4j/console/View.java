package io.github.mlops4j.console;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A page's data, read once from the public APIs, rendered either as HTML or as JSON: both come from
 * the same reads, so the two never disagree.
 */
interface View {
  String title();

  /** The navigation section the page belongs to: runs, models, features or drift. */
  String section();

  /** The page's HTML inside the frame's main element. */
  String body();

  ObjectNode json();

  /** The status of the JSON answer: 400 when the request's filter or order was refused. */
  default int jsonStatus() {
    return 200;
  }
}
