using System.Buffers;
using System.IO.Pipelines;
using System.Net.Security;
using System.Net.Sockets;

namespace SmtpFixture.Transport;

/// <summary>
/// A transport over a connected socket, through a stream so that TLS can wrap it later: a
/// <see cref="SessionSocketStream"/>, whose I/O blocks on the session's own thread (see <see cref="SessionThreads"/>).
/// </summary>
internal sealed class SocketTransport : ISmtpTransport
{
    // How long and how much the close waits for the client's remaining input (see DrainAsync).
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(1);

    // A client that sends nothing for this long is idle, not pipelining past our last reply: closing then sends no
    // RST, so disposing a server with idle clients connected costs this once, not the whole DrainTimeout.
    private static readonly TimeSpan DrainQuietPeriod = TimeSpan.FromMilliseconds(50);
    private const long DrainLimit = 1024 * 1024;

    private readonly Socket _socket;
    private readonly Stream _stream;

    public SocketTransport(Socket socket)
    {
        _socket = socket;
        _socket.NoDelay = true;
        _stream = new SessionSocketStream(socket, SessionSocketStream.DefaultCutOffGrace);
        (Input, Output) = CreatePipes(_stream);
    }

    public PipeReader Input { get; private set; }

    public PipeWriter Output { get; private set; }

    public SslStream? TlsStream { get; private set; }

    public async ValueTask StartTlsAsync(SslServerAuthenticationOptions options, CancellationToken cancellationToken)
    {
        if (TlsStream is not null)
        {
            throw new InvalidOperationException("TLS is already active.");
        }

        // The reader may hold bytes the client sent after STARTTLS and before the handshake: completing it drops
        // them (RFC 3207 §4.2, the command injection class of bugs). leaveOpen keeps the network stream usable.
        await Output.FlushFullyAsync(cancellationToken).ConfigureAwait(false);
        await Input.CompleteAsync().ConfigureAwait(false);
        await Output.CompleteAsync().ConfigureAwait(false);

        var tls = new SslStream(_stream, leaveInnerStreamOpen: true);
        try
        {
            await tls.AuthenticateAsServerAsync(options, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        TlsStream = tls;
        (Input, Output) = CreatePipes(new UncancellableWriteStream(tls));
    }

    /// <summary>
    /// Cuts the connection from a thread other than the session's, which may be blocked in a send or receive on it:
    /// reset on close (linger 0) and both directions shut down, which wakes the blocked call; the session's thread then
    /// closes the socket as it ends. Closing it from here instead would leave .NET's close to unblock that call itself,
    /// concurrently with it; the socket is closed only by the thread that uses it.
    /// </summary>
    public void Interrupt()
    {
        try
        {
            _socket.LingerState = new LingerOption(true, 0);
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Closed already: nothing is blocked on it.
        }
    }

    public void Abort()
    {
        try
        {
            _socket.LingerState = new LingerOption(true, 0);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }

        _socket.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Input.CompleteAsync().ConfigureAwait(false);

            // Bytes still in the writer are the rest of a flush its token cut short (a client that stopped reading or
            // read too slowly for a timeout or the goodbye's bound): the client is mid-reply, and completing the writer
            // would flush on without a bound. Cut the connection instead, so that the flush below fails at once.
            if (Output.UnflushedBytes > 0)
            {
                _socket.Shutdown(SocketShutdown.Both);
            }

            // Completing the writer flushes what is left; that fails when the client has gone already.
            await Output.CompleteAsync().ConfigureAwait(false);

            // Let the client close first: real clients close right after reading 221, and whoever closes first keeps
            // the connection in TIME_WAIT for a minute. On the client's side that costs nothing; on ours it would pin
            // the server's port, and a suite that starts and stops servers quickly would run out of ports to bind.
            await DrainAsync().ConfigureAwait(false);
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            try
            {
                if (TlsStream is not null)
                {
                    await TlsStream.DisposeAsync().ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
            {
            }

            await _stream.DisposeAsync().ConfigureAwait(false);
            _socket.Dispose();
        }
    }

    /// <summary>
    /// Reads and discards what the client still sends after our last reply, until it closes (or a bound). Closing a socket
    /// with unread input makes the kernel send RST (RFC 1122 §4.2.2.13) and drop what it has not sent yet: the last
    /// reply (221 after QUIT, 421 at a timeout or shutdown) could be lost to a client that pipelined past it. Each
    /// session drains on its own, so many idle sessions closing at shutdown wait at most the bound once, together;
    /// a client silent for <see cref="DrainQuietPeriod"/> ends the drain early; the listener's ShutdownTimeout abort
    /// disposes the socket and ends a drain still running.
    /// </summary>
    private async Task DrainAsync()
    {
        if (SessionSocketStream.OnSessionThread)
        {
            DrainBlocking();
            return;
        }

        using var bound = new CancellationTokenSource(DrainTimeout);
        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            long drained = 0;
            while (drained < DrainLimit)
            {
                using var quiet = CancellationTokenSource.CreateLinkedTokenSource(bound.Token);
                quiet.CancelAfter(DrainQuietPeriod);
                var read = await _socket.ReceiveAsync(buffer, SocketFlags.None, quiet.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                drained += read;
            }
        }
        catch (OperationCanceledException)
        {
            // The client went quiet, or neither closed nor stopped sending in time: close anyway.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary><see cref="DrainAsync"/> on the session's own thread: waits in poll(2), with no timers to arm.</summary>
    private void DrainBlocking()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            var end = Environment.TickCount64 + (long)DrainTimeout.TotalMilliseconds;
            long drained = 0;
            while (drained < DrainLimit)
            {
                var left = end - Environment.TickCount64;
                if (left <= 0 || !_socket.Poll(TimeSpan.FromMilliseconds(Math.Min(left, DrainQuietPeriod.TotalMilliseconds)), SelectMode.SelectRead))
                {
                    // Bound reached, or the client went quiet: close anyway.
                    break;
                }

                var read = _socket.Receive(buffer, SocketFlags.None);
                if (read == 0)
                {
                    break;
                }

                drained += read;
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static (PipeReader Input, PipeWriter Output) CreatePipes(Stream stream) => (
        PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 16 * 1024, minimumReadSize: 4096, leaveOpen: true)),
        PipeWriter.Create(stream, new StreamPipeWriterOptions(minimumBufferSize: 4096, leaveOpen: true)));
}
