# Independent float64 re-derivation of the numbers used in src/shaper.*.test.ts, written from
# the formulas in the README (not from the TypeScript code): run `python3 scripts/hand-numbers.py`.
# Baseline schedules are written out by hand below (reference: one step behind, from 0, raw;
# default: bias-corrected, current batch).
import math
sig=lambda x:1/(1+math.exp(-x))
cl=lambda x:max(-5,min(5,x))
dev=lambda x,m: cl((x-m)/(abs(m)+1e-8))
def aux1(era,erv,er,b,S=1):
    t=sig(2*dev(era,b[0]))
    return S*(t*math.tanh(dev(er,b[2]))+(1-t)*math.tanh(dev(erv,b[1]))), t
def grpo(r,g):
    out=[0]*len(r)
    for gid in set(g):
        idx=[i for i in range(len(r)) if g[i]==gid]
        if len(idx)==1: m,s=0,1
        else:
            m=sum(r[i] for i in idx)/len(idx); s=math.sqrt(sum((r[i]-m)**2 for i in idx)/(len(idx)-1))
        for i in idx: out[i]=(r[i]-m)/(s+1e-6)
    return out
steps=[
 dict(era=[0.01,0.03,0.02,0.02],erv=[0.4,0.6,0.5,0.5],er=[19,21,20,20],r=[1,0,1,1]),
 dict(era=[0.05,0.03,-0.01,0.09],erv=[0.3,0.5,-0.2,1.0],er=[21,23,22,22],r=[1,0,0,1]),
 dict(era=[0.06,0.01,0.03,0.02],erv=[0.45,0.2,0.5,0.45],er=[25,20,21,22],r=[0,1,1,0]),
 dict(era=[0.02,0.04,0.03,0.03],erv=[.4,.4,.4,.4],er=[22,22,22,22],r=[1,1,0,1]),
]
G=[0,0,1,1]
def run(label,bases,scales):
    print('==',label)
    for t,(b,S) in enumerate(zip(bases,scales)):
        st=steps[t]
        if b is None: print('step',t+1,'inactive'); continue
        a0=grpo(st['r'],G)
        res=[aux1(st['era'][i],st['erv'][i],st['er'][i],b,S) for i in range(4)]
        aux=[x[0] for x in res]; tau=[x[1] for x in res]
        bonus=[min(max(a,0),abs(x)/2) for a,x in zip(aux,a0)]
        print('step',t+1,'base',b,'S',S)
        print('  a0 ',[repr(x) for x in a0])
        print('  tau',[repr(x) for x in tau])
        print('  aux',[repr(x) for x in aux])
        print('  adv',[repr(x+y) for x,y in zip(a0,bonus)])
mean=lambda v:sum(v)/len(v)
M=[[mean(s[k]) for k in ('era','erv','er')] for s in steps]
print('means',M)
a=0.3
ref_b=[None,[0,0,0],[a*x for x in M[0]],[(1-a)*a*x+a*y for x,y in zip(M[0],M[1])]]
run('reference fixed',ref_b,[1,1,1,1])
s=[mean(x['r']) for x in steps]
run('reference adaptive',ref_b,[1,0.5,1-(a*s[1]+1)/2,1-((1-a)*a*s[1]+a*s[2]+1)/2])
raw2=[(1-a)*a*x+a*y for x,y in zip(M[0],M[1])]
def_b=[None,M[0],[x/(1-(1-a)**2) for x in raw2]]
run('default',def_b,[1,1,1])
run('default no bias corr',[None,[a*x for x in M[0]],raw2],[1,1,1])
e1=s[0]; e2=((1-a)*a*s[0]+a*s[1])/(1-(1-a)**2)
run('default adaptive',def_b,[1,1-(e1+1)/2,1-(e2+1)/2])
print('scales default adaptive', 1-(e1+1)/2, 1-(e2+1)/2, 'ref', 1-(a*s[1]+1)/2)
