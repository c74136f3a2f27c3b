using System.IO.Pipelines;
using System.Net.Security;
using System.Net.Sockets;

namespace SmtpFixture.Transport;

/// <summary>A transport over a connected socket, through a <see cref="NetworkStream"/> so that TLS can wrap it later.</summary>
internal sealed class SocketTransport : ISmtpTransport
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;

    public SocketTransport(Socket socket)
    {
        _socket = socket;
        _socket.NoDelay = true;
        _stream = new NetworkStream(socket, ownsSocket: false);
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
        await Output.FlushAsync(cancellationToken).ConfigureAwait(false);
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

            // Completing the writer flushes what is left; that fails when the client has gone already.
            await Output.CompleteAsync().ConfigureAwait(false);
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

    private static (PipeReader Input, PipeWriter Output) CreatePipes(Stream stream) => (
        PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 16 * 1024, minimumReadSize: 4096, leaveOpen: true)),
        PipeWriter.Create(stream, new StreamPipeWriterOptions(minimumBufferSize: 4096, leaveOpen: true)));
}
