namespace SmtpFixture.Protocol;

/// <summary>
/// Decodes DATA content (RFC 5321 §4.5.2): removes the leading dot of dot-stuffed lines and finds the end of data.
/// Only <c>CRLF . CRLF</c> ends data: a bare LF or CR never starts a line, so <c>LF.LF</c>, <c>CR.CR</c>,
/// <c>LF.CRLF</c> and <c>CRLF.LF</c> stay inside the message (the SMTP smuggling class, CVE-2023-51764/5/6).
/// The state survives across calls, so the terminator is found across any buffer boundary.
/// </summary>
internal sealed class DotUnstuffer
{
    private State _state = State.LineStart;

    private enum State
    {
        LineStart,
        InLine,
        AfterCr,
        AfterLineStartDot,
        AfterLineStartDotCr,
    }

    /// <summary>Whether a bare LF (not preceded by CR) was seen.</summary>
    public bool SawBareLf { get; private set; }

    /// <summary>Whether a bare CR (not followed by LF) was seen.</summary>
    public bool SawBareCr { get; private set; }

    public void Reset()
    {
        _state = State.LineStart;
        SawBareLf = false;
        SawBareCr = false;
    }

    /// <summary>Decodes <paramref name="input"/> into <paramref name="output"/>.</summary>
    /// <returns>The number of bytes consumed; when <paramref name="done"/> is true, the terminator was the last of them.</returns>
    public int Decode(ReadOnlySpan<byte> input, MessageBuffer output, out bool done)
    {
        var i = 0;
        while (i < input.Length)
        {
            switch (_state)
            {
                case State.InLine:
                    var rest = input[i..];
                    var k = rest.IndexOfAny((byte)'\r', (byte)'\n');
                    if (k < 0)
                    {
                        output.Append(rest);
                        i = input.Length;
                        break;
                    }

                    output.Append(rest[..k]);
                    i += k + 1;
                    if (rest[k] == '\n')
                    {
                        SawBareLf = true;
                        output.Append((byte)'\n');
                    }
                    else
                    {
                        _state = State.AfterCr;
                    }

                    break;

                case State.AfterCr:
                    if (input[i] == '\n')
                    {
                        output.Append("\r\n"u8);
                        i++;
                        _state = State.LineStart;
                    }
                    else
                    {
                        SawBareCr = true;
                        output.Append((byte)'\r');
                        _state = State.InLine;
                    }

                    break;

                case State.LineStart:
                    if (input[i] == '.')
                    {
                        i++;
                        _state = State.AfterLineStartDot;
                    }
                    else
                    {
                        _state = State.InLine;
                    }

                    break;

                case State.AfterLineStartDot:
                    if (input[i] == '\r')
                    {
                        i++;
                        _state = State.AfterLineStartDotCr;
                    }
                    else
                    {
                        // A stuffed dot: drop it and keep the rest of the line as is.
                        _state = State.InLine;
                    }

                    break;

                case State.AfterLineStartDotCr:
                    if (input[i] == '\n')
                    {
                        _state = State.LineStart;
                        done = true;
                        return i + 1;
                    }

                    // ".<CR>x": the dot was stuffing, the CR is bare.
                    SawBareCr = true;
                    output.Append((byte)'\r');
                    _state = State.InLine;
                    break;
            }
        }

        done = false;
        return i;
    }
}
