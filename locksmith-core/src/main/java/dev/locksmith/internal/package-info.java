/** Locksmith's engine and helpers. Not API: may change in any release. */
package dev.locksmith.internal;
