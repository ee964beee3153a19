package dev.locksmith.testkit;

import dev.locksmith.Locksmith;

class MemoryNotificationContractTest extends NotificationContract {
    @Override
    protected Locksmith.Builder clientBuilder() {
        return Locksmith.builder().uri("mem:contract");
    }
}
