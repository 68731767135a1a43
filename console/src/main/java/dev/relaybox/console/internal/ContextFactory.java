package dev.relaybox.console.internal;

/** Frames pages for the request's session and the console's mode. */
@FunctionalInterface
interface ContextFactory {
  Layout.Context of(Request request);
}
