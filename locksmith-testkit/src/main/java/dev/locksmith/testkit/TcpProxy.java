package dev.locksmith.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on loopback for fault tests: clients connect to {@link #port()} and reach the
 * target; {@link #cut()} drops every connection and refuses new ones (the port stays reserved),
 * {@link #restore()} accepts again, {@link #hold()} keeps connections open but stops passing
 * replies (a frozen server, as the client sees it) until {@link #release()}. Only loopback
 * addresses are allowed as targets. Closing it drops everything.
 */
public final class TcpProxy implements AutoCloseable {
    private final InetSocketAddress target;
    private final int port;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Object gate = new Object();
    private volatile ServerSocket server;
    private volatile boolean refusing;
    private volatile boolean holding;
    private volatile boolean closed;

    /** Starts a proxy to {@code target} (a loopback address) on a free port. */
    public TcpProxy(InetSocketAddress target) {
        if (!target.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("target must be a loopback address, was " + target);
        }
        this.target = target;
        try {
            ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            s.setReuseAddress(true);
            this.port = s.getLocalPort();
            this.server = s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        startAccepting(server);
    }

    /** The port clients connect to, on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** Drops every connection and refuses new ones until {@link #restore()}. */
    public void cut() {
        refusing = true;
        closeQuietly(server);
        // sockets accepted concurrently add themselves before they check refusing: none escapes
        for (Socket s : sockets) {
            closeQuietly(s);
        }
        sockets.clear();
    }

    /** Accepts connections again after {@link #cut()}. */
    public void restore() {
        if (!refusing || closed) {
            return;
        }
        try {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
            server = s;
            refusing = false;
            startAccepting(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops passing bytes in either direction, keeping connections open, until {@link #release()}. */
    public void hold() {
        holding = true;
    }

    /** Passes bytes again after {@link #hold()}. */
    public void release() {
        synchronized (gate) {
            holding = false;
            gate.notifyAll();
        }
    }

    private void startAccepting(ServerSocket s) {
        Thread t = new Thread(() -> accept(s), "tcp-proxy-accept-" + port);
        t.setDaemon(true);
        t.start();
    }

    private void accept(ServerSocket s) {
        while (!closed && !s.isClosed()) {
            Socket client;
            try {
                client = s.accept();
            } catch (IOException e) {
                return;
            }
            // tracked from the moment it is accepted, so that a cut() racing this accept drops it too
            sockets.add(client);
            if (refusing) {
                closeQuietly(client);
                sockets.remove(client);
                continue;
            }
            Socket upstream = new Socket();
            try {
                upstream.setTcpNoDelay(true); // no Nagle stalls on top of the store's round trips
                client.setTcpNoDelay(true);
                sockets.add(upstream);
                upstream.connect(target, 5_000);
            } catch (IOException e) {
                closeQuietly(client);
                closeQuietly(upstream);
                sockets.remove(client);
                sockets.remove(upstream);
                continue;
            }
            if (refusing || client.isClosed()) {
                // cut() ran while the upstream connection was being made
                closeQuietly(client);
                closeQuietly(upstream);
                sockets.remove(client);
                sockets.remove(upstream);
                continue;
            }
            pipe(client, upstream);
            pipe(upstream, client);
        }
    }

    private void pipe(Socket from, Socket to) {
        Thread t = new Thread(
                () -> {
                    byte[] buf = new byte[16 * 1024];
                    try (InputStream in = from.getInputStream();
                            OutputStream out = to.getOutputStream()) {
                        int n;
                        while ((n = in.read(buf)) >= 0) {
                            awaitNotHolding();
                            out.write(buf, 0, n);
                            out.flush();
                        }
                    } catch (IOException | InterruptedException e) {
                        // a cut or a closed peer ends the pipe
                    } finally {
                        closeQuietly(from);
                        closeQuietly(to);
                        sockets.remove(from);
                        sockets.remove(to);
                    }
                },
                "tcp-proxy-pipe-" + port);
        t.setDaemon(true);
        t.start();
    }

    private void awaitNotHolding() throws InterruptedException {
        synchronized (gate) {
            while (holding && !closed) {
                gate.wait(100);
            }
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception ignored) {
            // already closed
        }
    }

    @Override
    public void close() {
        closed = true;
        release();
        cut();
    }
}
