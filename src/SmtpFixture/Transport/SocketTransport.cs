using System.IO.Pipelines;
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
        Input = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 16 * 1024, minimumReadSize: 4096, leaveOpen: true));
        Output = PipeWriter.Create(_stream, new StreamPipeWriterOptions(minimumBufferSize: 4096, leaveOpen: true));
    }

    public PipeReader Input { get; }

    public PipeWriter Output { get; }

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
            await _stream.DisposeAsync().ConfigureAwait(false);
            _socket.Dispose();
        }
    }
}
