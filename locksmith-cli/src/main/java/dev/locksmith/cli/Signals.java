package dev.locksmith.cli;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * Catches SIGINT and SIGTERM so that {@code run} can pass them to its program and still release the
 * lock, instead of the JVM exiting at once. Uses {@code sun.misc.Signal} (module {@code
 * jdk.unsupported}), the only signal API the JDK offers, through reflection: it compiles without
 * the "internal proprietary API" warnings, and if the class is ever gone the JVM's default handling
 * (shutdown hooks) stays.
 */
final class Signals {
    static final int SIGINT = 2;
    static final int SIGTERM = 15;

    private Signals() {}

    /** What to do when a signal arrives. Runs on a JVM signal thread. */
    interface Listener {
        void signalled(int number, String name);
    }

    /**
     * Routes SIGINT and SIGTERM to {@code listener}.
     *
     * @return false if the JVM does not let us handle them (for example under {@code -Xrs}); the
     *     JVM's default handling then stays
     */
    static boolean install(Listener listener) {
        try {
            Class<?> signalClass = Class.forName("sun.misc.Signal");
            Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            Constructor<?> newSignal = signalClass.getConstructor(String.class);
            Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
            Object handler = Proxy.newProxyInstance(
                    Signals.class.getClassLoader(),
                    new Class<?>[] {handlerClass},
                    new Forwarder(listener, signalClass.getMethod("getNumber"), signalClass.getMethod("getName")));
            handle.invoke(null, newSignal.newInstance("INT"), handler);
            handle.invoke(null, newSignal.newInstance("TERM"), handler);
            return true;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** Implements {@code sun.misc.SignalHandler.handle(Signal)}. */
    private static final class Forwarder implements InvocationHandler {
        private final Listener listener;
        private final Method getNumber;
        private final Method getName;

        Forwarder(Listener listener, Method getNumber, Method getName) {
            this.listener = listener;
            this.getNumber = getNumber;
            this.getName = getName;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws ReflectiveOperationException {
            switch (method.getName()) {
                case "handle":
                    listener.signalled((Integer) getNumber.invoke(args[0]), (String) getName.invoke(args[0]));
                    return null;
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "equals":
                    return proxy == args[0];
                case "toString":
                    return "locksmith signal forwarder";
                default:
                    throw new UnsupportedOperationException(method.getName());
            }
        }
    }
}
