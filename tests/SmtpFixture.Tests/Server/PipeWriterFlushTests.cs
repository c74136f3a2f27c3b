using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using SmtpFixture.Transport;

namespace SmtpFixture.Tests.Server;

/// <summary>
/// A stream's PipeWriter keeps the cancellation of a token that fired while its flush was completing, and reports the
/// next flush cancelled without writing: the 421 after a shutdown that met the flush of the previous reply stayed in
/// the writer. <see cref="PipeWriterFlush.FlushFullyAsync"/> flushes again.
/// </summary>
public sealed class PipeWriterFlushTests
{
    private const string Reply = "250 OK\r\n";
    private const string Goodbye = "421 4.3.2 Service shutting down\r\n";

    [Fact]
    public async Task APlainFlushAfterATokenFiredDuringTheLastOneWritesNothing()
    {
        var (writer, sink, token) = await WriterWhoseTokenFiredDuringAFlushAsync();

        writer.Write(Encoding.ASCII.GetBytes(Goodbye));
        var result = await writer.FlushAsync(CancellationToken.None);

        // What .NET does today; should it change, FlushFullyAsync's second flush is no longer needed.
        Assert.True(result.IsCanceled);
        Assert.Equal(Reply, Encoding.ASCII.GetString(sink.ToArray()));
        Assert.True(token.IsCancellationRequested);
    }

    [Fact]
    public async Task FlushFullyWritesAfterATokenFiredDuringTheLastFlush()
    {
        var (writer, sink, _) = await WriterWhoseTokenFiredDuringAFlushAsync();

        writer.Write(Encoding.ASCII.GetBytes(Goodbye));
        await writer.FlushFullyAsync(CancellationToken.None);

        Assert.Equal(Reply + Goodbye, Encoding.ASCII.GetString(sink.ToArray()));
        Assert.Equal(0, writer.UnflushedBytes);
    }

    [Fact]
    public async Task FlushFullyWithACancelledTokenThrowsAndKeepsTheBytes()
    {
        var sink = new MemoryStream();
        var writer = PipeWriter.Create(new TokenCheckingStream(sink, onWrite: null), new StreamPipeWriterOptions(leaveOpen: true));
        writer.Write(Encoding.ASCII.GetBytes(Reply));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => writer.FlushFullyAsync(new CancellationToken(canceled: true)).AsTask());

        Assert.Equal(0, sink.Length);
        Assert.Equal(Reply.Length, writer.UnflushedBytes);
    }

    /// <summary>A writer whose flush of <see cref="Reply"/> completed although its token fired during the write.</summary>
    private static async Task<(PipeWriter Writer, MemoryStream Sink, CancellationToken Token)> WriterWhoseTokenFiredDuringAFlushAsync()
    {
        var sink = new MemoryStream();
        var cancel = new CancellationTokenSource();
        var writer = PipeWriter.Create(new TokenCheckingStream(sink, onWrite: cancel.Cancel), new StreamPipeWriterOptions(leaveOpen: true));
        writer.Write(Encoding.ASCII.GetBytes(Reply));
        var flushed = await writer.FlushAsync(cancel.Token);
        Assert.False(flushed.IsCanceled);
        return (writer, sink, cancel.Token);
    }

    /// <summary>
    /// Checks its token when a write starts and ignores it in a flush, as the session's socket stream does, and runs <c>onWrite</c> (once) after
    /// the bytes are written: a token that fires there fires as the flush completes.
    /// </summary>
    private sealed class TokenCheckingStream(MemoryStream sink, Action? onWrite) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            sink.Write(buffer.Span);
            onWrite?.Invoke();
            onWrite = null;
            return ValueTask.CompletedTask;
        }

        public override void Write(byte[] buffer, int offset, int count) => sink.Write(buffer, offset, count);

        public override void Flush()
        {
        }

        // As the socket stream's: nothing is buffered here, so there is nothing to flush or cancel.
        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
