package dev.relaybox.devstack.registry.internal;

import dev.relaybox.schemas.registry.CompatibilityLevel;
import dev.relaybox.schemas.registry.RegistryMode;
import java.util.Map;
import java.util.TreeMap;

/**
 * The compatibility levels and modes, global and per subject ({@code /config}, {@code /mode}). Not
 * thread-safe: the {@link RegistryStore} holds its lock around every use and saves the changes.
 */
final class RegistrySettings {
  private CompatibilityLevel globalLevel = CompatibilityLevel.BACKWARD;
  private RegistryMode globalMode = RegistryMode.READWRITE;
  private final TreeMap<String, CompatibilityLevel> subjectLevels = new TreeMap<>();
  private final TreeMap<String, RegistryMode> subjectModes = new TreeMap<>();

  void load(
      CompatibilityLevel level,
      Map<String, CompatibilityLevel> levels,
      RegistryMode mode,
      Map<String, RegistryMode> modes) {
    globalLevel = level == null ? CompatibilityLevel.BACKWARD : level;
    globalMode = mode == null ? RegistryMode.READWRITE : mode;
    subjectLevels.clear();
    subjectModes.clear();
    if (levels != null) {
      subjectLevels.putAll(levels);
    }
    if (modes != null) {
      subjectModes.putAll(modes);
    }
  }

  CompatibilityLevel globalLevel() {
    return globalLevel;
  }

  CompatibilityLevel globalLevel(CompatibilityLevel level) {
    globalLevel = level;
    return level;
  }

  /** The subject's own level, or the global one when {@code defaultToGlobal}. */
  CompatibilityLevel subjectLevel(String subject, boolean defaultToGlobal) {
    CompatibilityLevel level = subjectLevels.get(subject);
    if (level != null) {
      return level;
    }
    if (defaultToGlobal) {
      return globalLevel;
    }
    throw RegistryException.subjectLevelConfigNotFound(subject);
  }

  CompatibilityLevel subjectLevel(String subject, CompatibilityLevel level) {
    subjectLevels.put(subject, level);
    return level;
  }

  CompatibilityLevel effectiveLevel(String subject) {
    return subjectLevels.getOrDefault(subject, globalLevel);
  }

  RegistryMode globalMode() {
    return globalMode;
  }

  void globalMode(RegistryMode mode) {
    globalMode = mode;
  }

  /** The subject's own mode, or the global one when {@code defaultToGlobal}. */
  RegistryMode subjectMode(String subject, boolean defaultToGlobal) {
    RegistryMode mode = subjectModes.get(subject);
    if (mode != null) {
      return mode;
    }
    if (defaultToGlobal) {
      return globalMode;
    }
    throw RegistryException.subjectModeNotFound(subject);
  }

  void subjectMode(String subject, RegistryMode mode) {
    subjectModes.put(subject, mode);
  }

  /** Removes the subject's own mode and returns it. */
  RegistryMode deleteSubjectMode(String subject) {
    RegistryMode removed = subjectModes.remove(subject);
    if (removed == null) {
      throw RegistryException.subjectModeNotFound(subject);
    }
    return removed;
  }

  /** Refuses a change to the subject's schemas while it is read-only. */
  void requireWritable(String subject) {
    RegistryMode mode = subjectModes.getOrDefault(subject, globalMode);
    if (mode == RegistryMode.READONLY || mode == RegistryMode.READONLY_OVERRIDE) {
      throw RegistryException.readOnly(subject);
    }
  }

  /** A subject deleted for good loses its own settings. */
  void forget(String subject) {
    subjectLevels.remove(subject);
    subjectModes.remove(subject);
  }

  Map<String, CompatibilityLevel> subjectLevels() {
    return subjectLevels;
  }

  Map<String, RegistryMode> subjectModes() {
    return subjectModes;
  }
}
