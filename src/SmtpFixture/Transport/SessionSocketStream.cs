using System.Net.Sockets;

namespace SmtpFixture.Transport;

/// <summary>
/// The socket as a stream for a session that has a thread of its own: on that thread reads and writes are blocking
/// system calls that complete synchronously, so the session's awaits on its pipes complete in place and a round trip
/// costs one receive and one send, with the kernel waking the session's thread directly (no epoll thread, no
/// thread-pool hand-off). Off that thread (after a policy's delay resumed the session on the thread pool) the same
/// operations are asynchronous, so a pool thread is never blocked. A cancelled token interrupts a blocking read by
/// shutting the socket's receive side (the read returns end of stream), and a write that is still blocked a moment
/// later by shutting both sides (see <see cref="CutOffIfStillSending"/>).
/// </summary>
/// <param name="socket">The connected socket.</param>
/// <param name="cutOffGrace">How long a send may still take after its token is cancelled before the connection is cut.</param>
internal sealed class SessionSocketStream(Socket socket, TimeSpan cutOffGrace) : Stream
{
    /// <summary>The cut-off grace of a session's socket: far above a send that makes progress, far below a shutdown timeout.</summary>
    public static readonly TimeSpan DefaultCutOffGrace = TimeSpan.FromMilliseconds(100);

    [ThreadStatic]
    private static bool t_sessionThread;

    // Counts blocking sends on the session's thread, twice each: odd while one is in the kernel. Tells one send from
    // the next, so that a cut-off armed during one send never hits a later one.
    private volatile int _sends;

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
        var send = _sends + 1;
        _sends = send;
        try
        {
            using (cancellationToken.UnsafeRegister(static s => ((SessionSocketStream)s!).CutOffIfStillSending(), this))
            {
                Write(buffer.Span);
            }
        }
        catch (SocketException ex)
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw new IOException(ex.Message, ex);
        }
        finally
        {
            _sends = send + 1;
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

    /// <summary>
    /// The cancellation of a write on the session's thread. A blocking send can only be interrupted by shutting the
    /// socket down, which also loses the 421 the session sends next; so only a send that is really stuck (the client
    /// stopped reading) is cut off: one still in progress after the cut-off grace. A send that completes in the
    /// meantime, or that had completed and was only leaving the registration, keeps the connection whole: the session
    /// sees the cancelled token at its next read or write and says goodbye (cutting then lost the 421 of a client that had
    /// just read our reply, now and then under load).
    /// </summary>
    private void CutOffIfStillSending()
    {
        var send = _sends;
        if ((send & 1) == 0)
        {
            return;
        }

        Task.Delay(cutOffGrace).ContinueWith(
            static (_, state) =>
            {
                var (stream, send) = ((SessionSocketStream, int))state!;
                stream.CutOffIfStillIn(send);
            },
            (this, send),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private void CutOffIfStillIn(int send)
    {
        if (_sends == send)
        {
            ShutdownQuietly(socket, SocketShutdown.Both);
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
