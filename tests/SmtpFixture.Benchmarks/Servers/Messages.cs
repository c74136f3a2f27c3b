using System.Text;

namespace SmtpFixture.Benchmarks.Servers;

/// <summary>Test messages of a given size, in wire form (CRLF lines, terminated by <c>CRLF.CRLF</c>).</summary>
public static class Messages
{
    /// <summary>A message of about <paramref name="size"/> bytes: a few headers and lines of 76 letters.</summary>
    public static byte[] Wire(int size)
    {
        var text = new StringBuilder(size + 128);
        text.Append("From: sender@example.com\r\nTo: rcpt@example.com\r\nSubject: benchmark\r\nMessage-ID: <bench@example.com>\r\n\r\n");
        var line = new string('x', 76) + "\r\n";
        while (text.Length + line.Length <= size)
        {
            text.Append(line);
        }

        text.Append(new string('y', Math.Max(0, size - text.Length - 2))).Append("\r\n");
        text.Append(".\r\n");
        return Encoding.ASCII.GetBytes(text.ToString());
    }

    /// <summary>The size of the message a server should capture from <see cref="Wire"/>: without the terminating dot line.</summary>
    public static int RawSize(byte[] wire) => wire.Length - 3;
}
