package dev.locksmith;

/** Thrown when an operation needs a lease that is no longer held (it expired or was taken away). */
public class LockLostException extends LockException {
    private static final long serialVersionUID = 1L;

    private final transient LeaseLoss loss;

    public LockLostException(LeaseLoss loss) {
        super(loss.name(), "lease on '" + loss.name() + "' was lost: " + loss.reason(), loss.cause());
        this.loss = loss;
    }

    /** Why and when the lease was lost. */
    public LeaseLoss loss() {
        return loss;
    }
}
