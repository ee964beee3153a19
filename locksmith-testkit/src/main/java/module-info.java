/** The conformance suite every Locksmith backend must pass, a manual time source and a history checker. */
module dev.locksmith.testkit {
    requires transitive dev.locksmith.core;
    requires transitive org.junit.jupiter.api;
    requires transitive org.assertj.core;

    exports dev.locksmith.testkit;

    // JUnit instantiates the contract classes reflectively
    opens dev.locksmith.testkit to
            org.junit.platform.commons;
}
