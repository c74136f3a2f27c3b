using System.Net.Sockets;

namespace SmtpFixture.Transport;

/// <summary>
/// The socket as a stream for a session that has a thread of its own: on that thread reads and writes are blocking
/// system calls that complete synchronously, so the session's awaits on its pipes complete in place and a round trip
/// costs one receive and one send, with the kernel waking the session's thread directly (no epoll thread, no
/// thread-pool hand-off). Off that thread (after a policy's delay resumed the session on the thread pool) the same
/// operations are asynchronous, so a pool thread is never blocked. A cancelled token interrupts a blocking read by
/// shutting the socket's receive side (the read returns end of stream), and a blocking write by shutting both sides.
/// </summary>
internal sealed class SessionSocketStream(Socket socket) : Stream
{
    [ThreadStatic]
    private static bool t_sessionThread;

    /// <summary>Whether the calling thread is a session's own thread.</summary>
    public static bool OnSessionThread => t_sessionThread;

    /// <summary>Marks the calling thread as a session's own thread: blocking I/O is allowed on it.</summary>
    public static void RunOnSessionThread(Func<Task> session)
    {
        t_sessionThread = true;
        session().GetAwaiter().GetResult();
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer) => socket.Receive(buffer, SocketFlags.None);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!t_sessionThread)
        {
            return socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
        }

        cancellationToken.ThrowIfCancellationRequested();
        int read;
        using (cancellationToken.UnsafeRegister(static s => ShutdownQuietly((Socket)s!, SocketShutdown.Receive), socket))
        {
            read = Receive(buffer.Span);
        }

        cancellationToken.ThrowIfCancellationRequested();
        return new ValueTask<int>(read);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            buffer = buffer[socket.Send(buffer, SocketFlags.None)..];
        }
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!t_sessionThread)
        {
            return SendAllAsync(buffer, cancellationToken);
        }

        cancellationToken.ThrowIfCancellationRequested();
        using (cancellationToken.UnsafeRegister(static s => ShutdownQuietly((Socket)s!, SocketShutdown.Both), socket))
        {
            try
            {
                Write(buffer.Span);
            }
            catch (SocketException ex)
            {
                cancellationToken.ThrowIfCancellationRequested();
                throw new IOException(ex.Message, ex);
            }
        }

        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private int Receive(Span<byte> buffer)
    {
        try
        {
            return socket.Receive(buffer, SocketFlags.None);
        }
        catch (SocketException ex)
        {
            throw new IOException(ex.Message, ex);
        }
    }

    private async ValueTask SendAllAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        try
        {
            while (!buffer.IsEmpty)
            {
                buffer = buffer[await socket.SendAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false)..];
            }
        }
        catch (SocketException ex)
        {
            throw new IOException(ex.Message, ex);
        }
    }

    private static void ShutdownQuietly(Socket socket, SocketShutdown how)
    {
        try
        {
            socket.Shutdown(how);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
    }
}
