// Which Redis 7.0 commands a script may not call, as lua-engine.ts checks before redis.call()
// reaches the backend. GENERATED ONCE, then kept as literal lists: `redis-cli --json COMMAND`
// on Redis 7.0.15 (240 commands with their subcommands), taking the arity of every command
// flagged `write` or `noscript`; plus the commands src/commands.c flags CMD_MAY_REPLICATE, which
// COMMAND hides but read-only scripts refuse as writes (PFCOUNT, PUBLISH, SPUBLISH, EVAL, EVALSHA,
// FCALL). The lists cover every Redis command, not only those the in-memory backend has, so a
// read-only script is refused a write the same way whichever commands the backend gains.
// To regenerate against a newer Redis, rebuild the lists the same way.

/** `name arity` pairs (subcommands as `container|sub`), lowercase: a read-only script may not run these. */
const WRITE =
  'append 3,bitfield -2,bitop -4,blmove 6,blmpop -5,blpop -3,brpop -3,brpoplpush 4,bzmpop -5,bzpopmax -3,' +
  'bzpopmin -3,copy -3,decr 2,decrby 3,del -2,eval -3,evalsha -3,expire -3,expireat -3,fcall -3,flushall -1,' +
  'flushdb -1,function|delete 3,function|flush -2,function|load -3,function|restore -3,geoadd -5,georadius -6,' +
  'georadiusbymember -5,geosearchstore -8,getdel 2,getex -2,getset 3,hdel -3,hincrby 4,hincrbyfloat 4,hmset -4,' +
  'hset -4,hsetnx 4,incr 2,incrby 3,incrbyfloat 3,linsert 5,lmove 5,lmpop -4,lpop -2,lpush -3,lpushx -3,lrem 4,' +
  'lset 4,ltrim 4,migrate -6,move 3,mset -3,msetnx -3,persist 2,pexpire -3,pexpireat -3,pfadd -2,pfcount -2,' +
  'pfdebug 3,pfmerge -2,psetex 4,publish 3,rename 3,renamenx 3,restore -4,restore-asking -4,rpop -2,rpoplpush 3,' +
  'rpush -3,rpushx -3,sadd -3,sdiffstore -3,set -3,setbit 4,setex 4,setnx 3,setrange 4,sinterstore -3,smove 4,' +
  'sort -2,spop -2,spublish 3,srem -3,sunionstore -3,swapdb 3,unlink -2,xack -4,xadd -5,xautoclaim -6,xclaim -6,' +
  'xdel -3,xgroup|create -5,xgroup|createconsumer 5,xgroup|delconsumer 5,xgroup|destroy 4,xgroup|setid -5,' +
  'xreadgroup -7,xsetid -3,xtrim -4,zadd -4,zdiffstore -4,zincrby 4,zinterstore -4,zmpop -4,zpopmax -2,' +
  'zpopmin -2,zrangestore -5,zrem -3,zremrangebylex 4,zremrangebyrank 4,zremrangebyscore 4,zunionstore -4';

/** Commands flagged `noscript`: no script may run these. */
const NOSCRIPT =
  'acl|cat -2,acl|deluser -3,acl|dryrun -4,acl|genpass -2,acl|getuser 3,acl|list 2,acl|load 2,acl|log -2,' +
  'acl|save 2,acl|setuser -3,acl|users 2,acl|whoami 2,auth -2,bgrewriteaof 1,bgsave -1,blmove 6,blpop -3,' +
  'brpop -3,brpoplpush 4,bzpopmax -3,bzpopmin -3,client|caching 3,client|getname 2,client|getredir 2,' +
  'client|id 2,client|info 2,client|kill -3,client|list -2,client|no-evict 3,client|pause -3,client|reply 3,' +
  'client|setname 3,client|tracking -3,client|trackinginfo 2,client|unblock -3,client|unpause 2,' +
  'cluster|reset -2,config|get -3,config|resetstat 2,config|rewrite 2,config|set -4,debug -2,discard 1,eval -3,' +
  'eval_ro -3,evalsha -3,evalsha_ro -3,exec 1,failover -1,fcall -3,fcall_ro -3,function|delete 3,' +
  'function|dump 2,function|flush -2,function|kill 2,function|list -2,function|load -3,function|restore -3,' +
  'function|stats 2,hello -1,latency|doctor 2,latency|graph 3,latency|histogram -2,latency|history 3,' +
  'latency|latest 2,latency|reset -2,module|list 2,module|load -3,module|loadex -3,module|unload 3,monitor 1,' +
  'multi 1,psubscribe -2,psync -3,punsubscribe -1,quit -1,replconf -1,replicaof 3,reset 1,role 1,save 1,' +
  'script|debug 3,script|exists -3,script|flush -2,script|kill 2,script|load 3,shutdown -1,slaveof 3,' +
  'ssubscribe -2,subscribe -2,sunsubscribe -1,sync 1,unsubscribe -1,unwatch 1,wait 3,watch -2';

/** Every subcommand of the container commands (a missing one is an unknown command to a script). */
const SUBCOMMANDS: Record<string, string> = {
  acl: 'cat deluser dryrun genpass getuser help list load log save setuser users whoami',
  client:
    'caching getname getredir help id info kill list no-evict pause reply setname tracking trackinginfo unblock unpause',
  cluster:
    'addslots addslotsrange bumpepoch count-failure-reports countkeysinslot delslots delslotsrange failover flushslots ' +
    'forget getkeysinslot help info keyslot links meet myid nodes replicas replicate reset saveconfig set-config-epoch ' +
    'setslot shards slaves slots',
  command: 'count docs getkeys getkeysandflags help info list',
  config: 'get help resetstat rewrite set',
  function: 'delete dump flush help kill list load restore stats',
  latency: 'doctor graph help histogram history latest reset',
  memory: 'doctor help malloc-stats purge stats usage',
  module: 'help list load loadex unload',
  object: 'encoding freq help idletime refcount',
  pubsub: 'channels help numpat numsub shardchannels shardnumsub',
  script: 'debug exists flush help kill load',
  slowlog: 'get help len reset',
  xgroup: 'create createconsumer delconsumer destroy help setid',
  xinfo: 'consumers groups help stream',
};

const arities = (list: string) =>
  new Map(
    list.split(',').map((entry) => {
      const [name = '', arity = ''] = entry.split(' ');
      return [name, Number(arity)] as const;
    }),
  );
const writeArities = arities(WRITE);
const noScriptArities = arities(NOSCRIPT);
const subcommands = new Map(Object.entries(SUBCOMMANDS).map(([name, list]) => [name, new Set(list.split(' '))]));

/**
 * Why Redis 7.0 refuses `command` from a script before running it, in its order of checks
 * (scriptCall in src/script.c): arity, then noscript, then writes in a read-only script. Null when
 * these lists have nothing against it: the backend then resolves it (unknown, arity) and runs it.
 */
export function scriptRefusal(command: readonly string[], readOnly: boolean): string | null {
  const name = (command[0] ?? '').toLowerCase();
  const subs = subcommands.get(name);
  let fullName = name;
  if (subs && command.length > 1) {
    const sub = command[1]!.toLowerCase();
    if (!subs.has(sub)) return 'ERR Unknown Redis command called from script';
    fullName = `${name}|${sub}`;
  } else if (subs) {
    return 'ERR Wrong number of args calling Redis command from script'; // every container's arity is -2
  }
  const noScript = noScriptArities.get(fullName);
  const write = readOnly ? writeArities.get(fullName) : undefined;
  const arity = noScript ?? write;
  if (arity === undefined) return null;
  if (arity >= 0 ? command.length !== arity : command.length < -arity) {
    return 'ERR Wrong number of args calling Redis command from script';
  }
  if (noScript !== undefined) return 'ERR This Redis command is not allowed from script';
  return 'ERR Write commands are not allowed from read-only scripts.';
}
