package dev.relaybox.devstack.registry.internal;

import dev.relaybox.devstack.registry.internal.Wire.SchemaReference;
import dev.relaybox.devstack.registry.internal.Wire.StoredVersion;
import java.util.List;
import java.util.function.Predicate;

/** Picking versions of a subject: live ones, visible ones, one by number or {@code latest}. */
final class Versions {
  private Versions() {}

  static StoredVersion find(String subject, List<StoredVersion> versions, int version) {
    if (version == RegistryStore.LATEST) {
      if (versions.isEmpty()) {
        throw RegistryException.subjectNotFound(subject);
      }
      return versions.get(versions.size() - 1);
    }
    return versions.stream()
        .filter(v -> v.version() == version)
        .findFirst()
        .orElseThrow(() -> RegistryException.versionNotFound(version));
  }

  static List<StoredVersion> live(List<StoredVersion> versions) {
    return versions.stream().filter(v -> !v.deleted()).toList();
  }

  static Predicate<StoredVersion> visibility(boolean deleted, boolean deletedOnly) {
    if (deletedOnly) {
      return StoredVersion::deleted;
    }
    return deleted ? v -> true : v -> !v.deleted();
  }

  static String identity(String normalized, List<SchemaReference> references) {
    return references.isEmpty() ? normalized : normalized + '\u0000' + references;
  }
}
