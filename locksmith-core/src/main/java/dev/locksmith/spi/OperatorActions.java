package dev.locksmith.spi;

import dev.locksmith.LockInfo;
import java.util.List;

/** Role: what an operator needs to see and clear locks ({@code Locksmith.list()}, {@code forceRelease}). */
public interface OperatorActions {

    /** Every live lock and permit whose key starts with {@code keyPrefix}. Names are keys. */
    List<LockInfo> list(String keyPrefix);

    /** Removes the lock and every permit of {@code key}, whoever holds them; returns what it removed. */
    List<LockInfo> forceRelease(String key);
}
