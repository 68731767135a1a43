/**
 * The build-time contract compatibility gate ({@link
 * dev.relaybox.schemas.compat.CompatibilityGate}).
 */
package dev.relaybox.schemas.compat;
