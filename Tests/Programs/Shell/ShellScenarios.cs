using Xunit;

namespace Fork.Tests.Shell;

/// <summary>
/// One run of the shell: the script (<c>sh -c SCRIPT</c>), or, with <see cref="Stdin"/>, the lines <c>sh</c> reads
/// from standard input; what it must print ("{pid}" is the shell's pid), its status, its errors (null: not checked),
/// and how many processes it leaves to init (the children of a shell that was killed).
/// </summary>
public sealed record ShellScenario(string Script, string Stdout, int Status = 0, string? Stderr = "", string? Stdin = null, int Orphans = 0);

/// <summary>The shell's end-to-end cases, each construct and each exit status, shared by the specs of both launchers.</summary>
public static class ShellScenarios
{
    private const string NoSuchFile = "No such file or directory";

    public static readonly IReadOnlyDictionary<string, ShellScenario> All = new Dictionary<string, ShellScenario>
    {
        ["echo"] = new("echo hello world", "hello world\n"),
        ["comment"] = new("echo a # b c", "a\n"),
        ["empty script"] = new("", ""),
        ["single quotes keep everything"] = new("echo 'a  $? | b'", "a  $? | b\n"),
        ["double quotes expand the status"] = new("false; echo \"status $?\"", "status 1\n"),
        ["the status expands unquoted"] = new("true; echo $?; false; echo $?", "0\n1\n"),
        ["$$ is the shell's pid, in a pipeline too"] = new("echo $$; echo \"$$\" | cat", "{pid}\n{pid}\n"),
        ["semicolon list"] = new("echo a; echo b", "a\nb\n"),
        ["newline list"] = new("echo a\necho b", "a\nb\n"),
        ["and-or"] = new("true && echo yes || echo no; false && echo yes || echo no", "yes\nno\n"),
        ["or sees the status it follows"] = new("false || echo $?", "1\n"),
        ["pipeline"] = new("echo hello | cat | wc -c", "6\n"),
        ["seq grep wc"] = new("seq 1 1000 | grep 7 | wc -l", "271\n"),
        ["a pipeline of 8 stages moves 10 MiB"] = new("seq 1 1450000 | cat | cat | cat | cat | cat | cat | wc -c", "10488896\n"),
        ["a pipeline's status is its last stage's"] = new("true | false; echo $?; false | true; echo $?", "1\n0\n"),
        ["grep's status"] = new("echo abc | grep x; echo $?; echo abc | grep b; echo $?", "1\nabc\n0\n"),
        ["yes into head ends"] = new("yes | head -n 3", "y\ny\ny\n"),
        ["a stage killed by SIGPIPE does not count"] = new("yes | head -n 2; echo $?", "y\ny\n0\n"),
        ["killed by SIGKILL is 137"] = new("sh -c 'kill -9 $$'; echo $?", "137\n", Orphans: 1),
        ["killed by SIGTERM is 143"] = new("sh -c 'kill $$'; echo $?", "143\n", Orphans: 1),
        ["a killed last stage is the pipeline's status"] = new("echo x | sh -c 'kill -TERM $$'; echo $?", "143\n", Orphans: 1),
        ["a killed first stage is not"] = new("sh -c 'kill -9 $$' | echo after; echo $?", "after\n0\n", Orphans: 1),
        ["nested shell"] = new("sh -c 'echo inner; exit 6'; echo $?", "inner\n6\n"),
        ["output and append"] = new("echo one > /tmp/f; echo two >> /tmp/f; cat < /tmp/f", "one\ntwo\n"),
        ["output truncates"] = new("echo a long line > /tmp/f; echo x > /tmp/f; cat /tmp/f", "x\n"),
        ["2>&1"] = new("cat /nope 2>&1", $"cat: /nope: {NoSuchFile}\n", 1),
        ["2>/dev/null"] = new("cat /nope 2>/dev/null; echo $?", "1\n"),
        ["redirections apply in order"] = new("cat /nope 2>&1 >/dev/null", $"cat: /nope: {NoSuchFile}\n", 1),
        ["any descriptor"] = new("echo hi 3>/tmp/three 1>&3; cat /tmp/three", "hi\n"),
        ["closing a descriptor"] = new("echo gone >&-; echo $?", "1\n", Stderr: "echo: write error: Bad file descriptor\n"),
        ["a redirection that fails"] = new("cat < /nope; echo $?", "1\n", Stderr: $"sh: /nope: {NoSuchFile}\n"),
        ["a redirection alone creates the file"] = new("> /tmp/empty; wc -c < /tmp/empty", "0\n"),
        ["not found is 127"] = new("nosuch a b; echo $?", "127\n", Stderr: "sh: nosuch: not found\n"),
        ["not found last"] = new("nosuch", "", 127, "sh: nosuch: not found\n"),
        ["a file that is no program is 126"] = new("echo x > /tmp/data; /tmp/data; echo $?", "126\n", Stderr: null),
        ["a path to a program"] = new("/bin/echo by path", "by path\n"),
        ["exit N"] = new("exit 3; echo not reached", "", 3),
        ["exit keeps the last status"] = new("false; exit", "", 1),
        ["exit with a bad number"] = new("exit x", "", 2, "sh: exit: x: numeric argument required\n"),
        ["exit in a pipeline ends only its stage"] = new("exit 5 | cat; echo $?", "0\n"),
        ["the script's status is its last command's"] = new("echo a; false", "a\n", 1),
        ["cd"] = new("cd /tmp; echo hi > here; cat /tmp/here", "hi\n"),
        ["cd to nowhere"] = new("cd /nope; echo $?", "1\n", Stderr: $"sh: cd: /nope: {NoSuchFile}\n"),
        ["cd with its errors silenced"] = new("cd /nope 2>/dev/null || echo failed", "failed\n"),
        ["background and wait"] = new("echo a > /tmp/bg & wait; cat /tmp/bg", "a\n"),
        ["a background list's status is 0"] = new("false & echo $?; wait", "0\n"),
        ["wait for one job"] = new("sh -c 'exit 7' & wait $!; echo $?", "7\n"),
        ["an and-or list in the background"] = new("true && echo in-background > /tmp/j & wait; cat /tmp/j", "in-background\n"),
        ["background jobs running together"] = new("sleep 0.05 & sleep 0.05 & echo started; wait; echo done", "started\ndone\n"),
        ["syntax error at the end"] = new("echo a |", "", 2, "sh: syntax error: unexpected end of file\n"),
        ["syntax error at a token"] = new("echo a; echo b && && echo c", "", 2, "sh: syntax error near unexpected token `&&'\n"),
        ["unterminated quote"] = new("echo 'a", "", 2, "sh: syntax error: unterminated quoted string (')\n"),
        ["reads commands from standard input"] = new("", "one\n1\n", Stdin: "echo one\nfalse\necho $?\n"),
        ["reads no further than its line"] = new("", "first\nfrom stdin\n", Stdin: "echo first\nhead -n 1\nfrom stdin\n"),
        ["a background job reads /dev/null"] = new("", "done\n", Stdin: "cat &\nwait\necho done\n"),
        ["a line ending in an operator goes on, an error does not stop it"] = new(
            "", "a\nb\n2\n", 0, "sh: syntax error near unexpected token `;'\n", "echo a &&\necho b\necho c ;;\necho $?\n"),
        ["exit from standard input"] = new("", "", 4, Stdin: "exit 4\necho no\n"),
        ["the status at end of input is the last one"] = new("", "", 1, Stdin: "false\n"),
    };

    public static TheoryData<string> Names => [.. All.Keys];
}
