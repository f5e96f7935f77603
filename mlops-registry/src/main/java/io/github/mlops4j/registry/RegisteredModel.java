package io.github.mlops4j.registry;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A registered model: a name under which versions are numbered, with tags and aliases.
 *
 * @since 0.1.0
 */
public final class RegisteredModel {
  private final String name;
  private final String description;
  private final Instant creationTime;
  private final Instant lastUpdatedTime;
  private final int latestVersion;
  private final Map<String, String> tags;
  private final Map<String, Integer> aliases;

  RegisteredModel(
      String name,
      String description,
      Instant creationTime,
      Instant lastUpdatedTime,
      int latestVersion,
      Map<String, String> tags,
      Map<String, Integer> aliases) {
    this.name = Objects.requireNonNull(name);
    this.description = Objects.requireNonNull(description);
    this.creationTime = Objects.requireNonNull(creationTime);
    this.lastUpdatedTime = Objects.requireNonNull(lastUpdatedTime);
    this.latestVersion = latestVersion;
    this.tags = Map.copyOf(tags);
    this.aliases = Map.copyOf(aliases);
  }

  public String name() {
    return name;
  }

  public String description() {
    return description;
  }

  public Instant creationTime() {
    return creationTime;
  }

  public Instant lastUpdatedTime() {
    return lastUpdatedTime;
  }

  /** The highest version number registered, empty when there is none yet. */
  public OptionalInt latestVersion() {
    return latestVersion == 0 ? OptionalInt.empty() : OptionalInt.of(latestVersion);
  }

  public Map<String, String> tags() {
    return tags;
  }

  /** Alias to version number. */
  public Map<String, Integer> aliases() {
    return aliases;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RegisteredModel m
        && name.equals(m.name)
        && description.equals(m.description)
        && creationTime.equals(m.creationTime)
        && lastUpdatedTime.equals(m.lastUpdatedTime)
        && latestVersion == m.latestVersion
        && tags.equals(m.tags)
        && aliases.equals(m.aliases);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, lastUpdatedTime, latestVersion, tags, aliases);
  }

  @Override
  public String toString() {
    return "RegisteredModel{" + name + ", latest=" + latestVersion + ", aliases=" + aliases + "}";
  }
}
