package io.github.mlops4j.registry;

/**
 * Receives registry changes. Called on the thread that made the change (local changes) or on the
 * registry's watcher thread (changes by other processes); keep it short. An exception it throws is
 * logged and does not affect the change or other listeners.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface RegistryListener {
  void onEvent(RegistryEvent event);
}
