/** Model registry: registered models, numbered versions, aliases, audit trail and safe loading. */
@NullMarked
package io.github.mlops4j.registry;

import org.jspecify.annotations.NullMarked;
