package io.github.mlops4j.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mlops4j.features.FeatureStore;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.tracking.Tracker;
import org.jspecify.annotations.Nullable;

/** What the pages read from: the public services of one workspace. */
record Sources(
    Tracker tracker,
    @Nullable ModelRegistry registry,
    @Nullable FeatureStore features,
    int pageSize,
    ObjectMapper json) {}
