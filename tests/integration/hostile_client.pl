#!/usr/bin/perl
# Hostile clients for natter-server-mock, for hostile_client.t (core Perl only).
#   hostile_client.pl probe PORT TOKEN PID STOPFILE OUT
#       a well-behaved client: GET /v1/conversations every 20 ms from 127.0.0.2,
#       writing "ms status" per request to OUT and "rss KB" samples of PID.
#   hostile_client.pl logins PORT SECONDS
#       wrong-password logins as fast as they are answered; prints the count.
#   hostile_client.pl attack PORT TOKEN CONV N-LORIS N-MALFORMED
#       slow-loris sockets held open while N-MALFORMED bad requests, deep
#       nesting, huge headers and huge bodies are sent; prints key=value counts.
use strict;
use warnings;
use IO::Socket::INET;
use Time::HiRes qw(time sleep);

my $mode = shift @ARGV;

# conn FROM PORT: a TCP connection from a loopback source address.
sub conn {
	my ($from, $port) = @_;
	return IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port,
		LocalAddr => $from, Proto => 'tcp', Timeout => 5);
}

# answer SOCK: reads one response; returns (status, body) or (undef) if the
# connection closed or timed out before a complete answer.
sub answer {
	my ($s) = @_;
	my $buf = '';
	my $deadline = time + 10;
	while ($buf !~ /\r\n\r\n/) {
		return undef if time > $deadline;
		my $rin = '';
		vec($rin, fileno($s), 1) = 1;
		select(my $rout = $rin, undef, undef, 1) or next;
		my $n = sysread($s, $buf, 65536, length $buf);
		return undef unless $n;
	}
	my $hend = index($buf, "\r\n\r\n") + 4;
	my ($st) = $buf =~ m{^HTTP/1\.[01] (\d{3})};
	my ($cl) = substr($buf, 0, $hend) =~ /\ncontent-length: *(\d+)/i;
	$cl //= 0;
	while (length($buf) < $hend + $cl) {
		return undef if time > $deadline;
		my $n = sysread($s, $buf, 65536, length $buf);
		return undef unless $n;
	}
	my $close = substr($buf, 0, $hend) =~ /\nconnection: *close/i;
	return ($st, substr($buf, $hend, $cl), $close);
}

# request SOCK RAW: writes RAW whole; false if the write failed.
sub put {
	my ($s, $raw) = @_;
	local $SIG{PIPE} = 'IGNORE';
	my $off = 0;
	while ($off < length $raw) {
		my $n = syswrite($s, $raw, 65536, $off);
		return 0 unless $n;
		$off += $n;
	}
	return 1;
}

sub req {
	my ($method, $path, $body, $headers) = @_;
	$headers //= '';
	my $r = "$method $path HTTP/1.1\r\nHost: 127.0.0.1\r\n$headers";
	$r .= "Content-Length: " . length($body) . "\r\n" if defined $body;
	return $r . "\r\n" . ($body // '');
}

sub rss {
	my ($pid) = @_;
	open my $f, '<', "/proc/$pid/status" or return 0;
	while (<$f>) { return $1 if /^VmRSS:\s+(\d+)/ }
	return 0;
}

if ($mode eq 'probe') {
	my ($port, $tok, $pid, $stop, $out) = @ARGV;
	open my $o, '>', $out or die "$out: $!";
	$o->autoflush(1);
	my $s;
	my $last_rss = 0;
	until (-e $stop) {
		my $t0 = time;
		$s ||= conn('127.0.0.2', $port);
		my ($st) = $s && put($s, req('GET', '/v1/conversations', undef,
			"Authorization: Bearer $tok\r\n")) ? answer($s) : ();
		my $ms = (time - $t0) * 1000;
		printf $o "%.1f %s\n", $ms, $st // 'none';
		undef $s unless defined $st;
		if (time - $last_rss > 0.1) {
			print $o "rss ", rss($pid), "\n";
			$last_rss = time;
		}
		sleep 0.02;
	}
	exit 0;
}

if ($mode eq 'logins') {
	# Wrong passwords at login, as fast as the server answers, for SECONDS.
	my ($port, $secs) = @ARGV;
	my $end = time + $secs;
	my ($s, $n) = (undef, 0);
	while (time < $end) {
		$s ||= conn('127.0.0.8', $port) or last;
		put($s, req('POST', '/v1/login', '{"user":"alice","password":"not-her-password"}'))
			or do { undef $s; next };
		my ($st) = answer($s);
		undef $s unless defined $st;
		$n++;
	}
	print "$n\n";
	exit 0;
}

die "usage\n" unless $mode eq 'attack';
my ($port, $tok, $conv, $nloris, $nbad) = @ARGV;
my %count;
my $auth = "Authorization: Bearer $tok\r\n";

# 1. Slow loris: partial headers that never end, from three source addresses.
my @loris;
for my $i (1 .. $nloris) {
	my $s = conn('127.0.0.' . (3 + $i % 3), $port) or next;
	put($s, "POST /v1/sync HTTP/1.1\r\nHost: 127.0.0.1\r\n$auth" . "X-Slow: a") or next;
	push @loris, $s;
}
$count{loris_open} = scalar @loris;
my $trickle = sub { put($_, 'a') for @loris };

# 2. Malformed requests over keep-alive connections.
my $mpath = "/v1/conversations/$conv/messages";
my @bodies = (
	'', '{', '}', '[]', '"x"', '42', 'null', '{"client_id":"a","body":"x"', '{"a":1}garbage',
	'{"client_id":1,"body":"x"}', '{"client_id":"a","body":123}', '{"client_id":"a"}',
	'{"body":"x"}', '{"client_id":"","body":"x"}', '{"client_id":"a b","body":"x"}',
	'{"client_id":"a","body":""}', '{"client_id":"a","body":["x"]}',
	qq({"client_id":"a","body":"\xff\xfe"}), qq({"client_id":"a","body":"\xc0\xaf"}),
	qq({"client_id":"a","body":"\xed\xa0\x80"}), qq({"client_id":"a","body":"a\x00b"}),
	'{"client_id":"a","body":"a\u0000b"}', '{"client_id":"a","body":"\ud800"}',
	qq({"client_id":"\xff","body":"x"}), '{"client_id":"a","body":"x"' . "\x00}",
	'{"client_id":"' . ('x' x 65) . '","body":"x"}', '{"client_id":"a","body":1e999}',
	'{"client_id":"a","body":"' . ('y' x 16385) . '"}',
);
my @sync = (
	'{"have":[]}', '{"have":"x"}', '{"have":{"' . $conv . '":5}}',
	'{"have":{"' . $conv . '":{"bob":"5-2"}}}', '{"have":{"' . $conv . '":{"bob":"01"}}}',
	'{"have":{"' . $conv . '":{"bob":"1,,2"}}}', '{"have":{"' . $conv . '":{"bob":7}}}',
	'{"have":{},"limit":"x"}', '{"have":{},"limit":0}', '{"have":{},"limit":-1}',
	'{"have":{},"limit":1.5}', '{"have":{},"conversations":"x"}',
	'{"have":{},"conversations":[1]}', '{"have":{"nope":{}}}', '{"have":{"' . $conv
	    . '":{"bob":"1-99999999999999999999"}}}', '{}', qq({"have":{"\xff":{}}}),
);
my @plain = (
	['GET', '/v1/nope'], ['GET', '/'], ['GET', '/v1/conversations/../../../etc/passwd'],
	['GET', '/v1/conversations/%00'], ['GET', '/v1/' . ('z' x 4000)],
	['DELETE', '/v1/conversations'], ['PUT', $mpath], ['PATCH', '/v1/sync'],
	['FROB', '/v1/health'], ['GET', $mpath], ['GET', '/v1/sync'], ['DELETE', '/v1/register'],
	['GET', '/v1/events?after=-1'], ['GET', '/v1/events?after=abc'],
	['GET', '/v1/events?after=1&timeout=99999999999999999999999'],
	['GET', '/v1/events?after=1e3'], ['GET', '/v1/conversations/nope'],
	['GET', '/v1/conversations/' . ('c' x 100)],
);
my @tokens = ('', "Authorization: Bearer nope\r\n", "Authorization: Basic eDp5\r\n",
	"Authorization: Bearer " . ('0' x 64) . "\r\n", "Authorization: Bearer\r\n",
	"Authorization: bearer $tok" . "x\r\n");
my @register = ('{"user":"Upper","password":"password1"}', '{"user":"a","password":"short"}',
	'{"user":"' . ('a' x 33) . '","password":"password1"}', '{"user":5,"password":"password1"}',
	qq({"user":"bob","password":"pass\x00word1"}), '{"user":"-x","password":"password1"}');

my @gen;
push @gen, map { my $b = $_; sub { req('POST', $mpath, $b, $auth) } } @bodies;
push @gen, map { my $b = $_; sub { req('POST', '/v1/sync', $b, $auth) } } @sync;
push @gen, map { my $p = $_; sub { req($p->[0], $p->[1], undef, $auth) } } @plain;
push @gen, map { my $t = $_; sub { req('GET', '/v1/conversations', undef, $t) } } @tokens;
push @gen, map { my $t = $_; sub { req('POST', '/v1/sync', '{"have":{}}', $t) } } @tokens;
push @gen, map { my $b = $_; sub { req('POST', '/v1/register', $b) } } @register;
push @gen, sub { req('POST', '/v1/conversations', '{"title":"","members":["bob"]}', $auth) };
push @gen, sub { req('POST', '/v1/conversations', '{"title":"x","members":"bob"}', $auth) };
push @gen, sub { req('POST', '/v1/conversations', '{"title":"x","members":["nobody"]}', $auth) };
push @gen, sub { req('POST', '/v1/conversations', '{"title":"x","members":[]}', $auth) };
push @gen, sub { req('POST', '/v1/login', '{"user":"alice","password":"wrong-password"}') };
push @gen, sub { req('POST', $mpath, '{"client_id":"a","body":"x"}', $auth) =~
	s/Content-Length: \d+/Content-Length: -5/r };

my $s;
my %statuses;
for my $i (1 .. $nbad) {
	my $raw = $gen[$i % @gen]->();
	$s ||= conn('127.0.0.6', $port);
	unless ($s && put($s, $raw)) { $count{bad_unsent}++; undef $s; next }
	my ($st, undef, $close) = answer($s);
	if (!defined $st) { $count{bad_noanswer}++; $count{"noanswer_" . ($i % @gen)}++; undef $s; next }
	undef $s if $close;
	$statuses{$st}++;
	$count{"bad_$st" . "_" . ($i % @gen)}++ if $st !~ /^4/;
	$trickle->() if $i % 1000 == 0;
}
$count{bad_sent} = $nbad;
$count{bad_statuses} = join ',', map { "$_:$statuses{$_}" } sort keys %statuses;
$count{bad_non4xx} = 0;
$count{bad_non4xx} += $statuses{$_} for grep { !/^4/ } keys %statuses;

# one NEW-CONNECTION REQUEST: sends one request on a fresh connection, returns the status.
sub one {
	my ($raw, $from) = @_;
	my $c = conn($from // '127.0.0.7', $port) or return 'noconn';
	put($c, $raw);
	my ($st) = answer($c);
	return $st // 'none';
}

# 3. Deep nesting, within the body limit and beyond it.
$count{deep_array} = one(req('POST', '/v1/sync', '[' x 5000 . ']' x 5000, $auth));
$count{deep_object} = one(req('POST', '/v1/sync', '{"a":' x 5000 . '1' . '}' x 5000, $auth));
$count{deep_unclosed} = one(req('POST', '/v1/sync', '{"have":' . '[' x 30000, $auth));
$count{deep_in_have} = one(req('POST', '/v1/sync', '{"have":{"x":' . '{"a":' x 40 . '1' . '}' x 41 . '}', $auth));
$count{deep_huge} = one(req('POST', '/v1/sync', '[' x 200000 . ']' x 200000, $auth));

# 4. Huge headers: one of 200 KB, and 20,000 small ones.
$count{header_huge} = one(req('GET', '/v1/health', undef, 'X-Big: ' . ('h' x 200000) . "\r\n"));
$count{header_many} = one(req('GET', '/v1/health', undef, "X-Many: hh\r\n" x 20000));
$count{url_huge} = one(req('GET', '/v1/conversations?' . ('q' x 200000), undef, $auth));
$trickle->();

# 5. Huge bodies: a 100 MB Content-Length (8 MB actually sent), and 16 MB chunked.
{
	my $c = conn('127.0.0.7', $port);
	put($c, "POST /v1/sync HTTP/1.1\r\nHost: x\r\n$auth" . "Content-Length: 104857600\r\n\r\n");
	local $SIG{PIPE} = 'IGNORE';
	my $chunk = '[' x 65536;
	for (1 .. 128) { last unless syswrite($c, $chunk) }
	my ($st) = answer($c);
	$count{body_content_length} = $st // 'none';
}
{
	my $c = conn('127.0.0.7', $port);
	put($c, "POST /v1/sync HTTP/1.1\r\nHost: x\r\n$auth" . "Transfer-Encoding: chunked\r\n\r\n");
	my $chunk = sprintf("%x\r\n", 65536) . ('{' x 65536) . "\r\n";
	my $ok = 1;
	for (1 .. 256) { $ok = put($c, $chunk) or last }
	put($c, "0\r\n\r\n") if $ok;
	my ($st) = answer($c);
	$count{body_chunked} = $st // 'none';
}
$count{body_chunk_size_huge} = one("POST /v1/sync HTTP/1.1\r\nHost: x\r\n$auth"
	. "Transfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\nabc");
$count{body_no_length} = one(req('POST', $mpath, undef, $auth) . '{"client_id":"nl","body":"x"}');

# The loris sockets are still waiting (the server did not give up on them
# early, nor did they cost it anything).
$trickle->();
my $alive = 0;
for my $l (@loris) {
	my $rin = '';
	vec($rin, fileno($l), 1) = 1;
	my $r = select(my $rout = $rin, undef, undef, 0);
	$alive++ if $r == 0;
}
$count{loris_alive} = $alive;
print "$_=$count{$_}\n" for sort keys %count;
