"""Copied narrative between agencies of one year, at the scale of a province (by hand; prints the figures):

    .venv/bin/python bench/copies.py [--agencies 3000] [--copies 30] [--runs 3] [--seed 0] [--margin 0.3]

Generates a synthetic province year (``synthetic_year``): every agency's narrative is built from pools of
clauses with its own random choices, its name, its field's topics and numbers, plus the preamble every
report carries and the official heading lines; ``copies`` agencies then copy part 一 and/or 五 from
another agency, with the names and numbers changed and a sentence or two rewritten. Times
``kit.similarity.copied_pairs`` (median of ``runs``), measures its peak memory (tracemalloc, in a run of
its own) and prints recall and precision against the planted pairs, and the planted pairs' lowest
similarity. ``--margin 0.3`` also runs at a lower threshold and counts the unplanted pairs it finds.

Other benches import the generator from this file's path (bench/ is not a package)::

    spec = importlib.util.spec_from_file_location("copies", "bench/copies.py")
    copies = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(copies)
    reports, planted = copies.synthetic_year(300, 12)
"""
from __future__ import annotations

import argparse
import random
import re
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from kit.model import Provenance, Report  # noqa: E402

YEAR = 2023
_A = "青临长东西南北安永宁新平清白金凤龙华阳泰和兴福康丰嘉云江双鹤桂梅柳"
_B = "禾江宁山川城阳丰泽源林州岭海溪河湖台原坪口桥塘庄关浦石峰"
DEPTS = ("人民政府办公室", "发展和改革局", "教育局", "科学技术局", "工业和信息化局", "公安局", "民政局", "司法局", "财政局",
         "人力资源和社会保障局", "自然资源局", "生态环境局", "住房和城乡建设局", "交通运输局", "水利局", "农业农村局",
         "商务局", "文化广电旅游体育局", "卫生健康委员会", "退役军人事务局", "应急管理局", "审计局", "市场监督管理局",
         "统计局", "医疗保障局", "林业局", "城市管理综合执法局", "行政审批服务局", "信访局", "乡村振兴局")
FIELDS = {
    "教育": ["招生入学政策", "学校收费标准", "教师招聘信息", "学生资助政策", "校园安全管理"],
    "公安": ["户籍办理指南", "交通管理措施", "出入境业务流程", "治安案件通报", "警务公开事项"],
    "财政": ["预算决算信息", "政府采购信息", "政府债务情况", "惠民惠农补贴", "财政专项资金"],
    "卫生": ["医疗机构信息", "疾病预防控制", "公共卫生事件", "医疗服务价格", "健康促进活动"],
    "自然资源": ["国土空间规划", "土地征收信息", "不动产登记指南", "矿产资源管理", "耕地保护情况"],
    "住房": ["保障性住房分配", "建筑市场监管", "老旧小区改造", "房屋征收补偿", "物业服务管理"],
    "农业": ["农业补贴发放", "农产品质量安全", "高标准农田建设", "动物疫病防控", "农村集体产权"],
    "市场": ["双随机抽查结果", "食品安全抽检", "企业信用信息", "价格监督检查", "特种设备安全"],
}
GENERIC_FIELD = ["行政许可事项", "行政处罚结果", "权责清单调整", "重大建设项目", "公共资源配置", "财政资金使用", "重大决策预公开"]
OPENERS = ["一是", "二是", "本年度", "全年", "同时", "此外", "与此同时", "围绕中心工作", "结合工作实际", "对照上级要求",
           "聚焦群众关切", "按照年度工作要点", "在上年基础上", "坚持问题导向", "注重实际效果", "立足部门职能"]
ACTIONS = {
    "主动公开": ["在门户网站及时发布{f}", "按季度更新{f}专栏", "编制{f}公开清单", "通过政务新媒体推送{f}", "对{f}开展专题解读",
             "梳理完善{f}公开目录", "以图解形式展示{f}", "邀请专家解读{f}", "在公示栏张贴{f}", "召开新闻发布会通报{f}",
             "制作短视频宣传{f}", "组织{f}集中公开", "建立{f}动态调整机制", "开展{f}网上访谈"],
    "依申请公开": ["规范受理登记和审核流程", "完善依申请公开答复文书模板", "建立疑难申请会商机制", "加强与申请人的沟通解释",
              "实行申请办理全程留痕", "落实答复前合法性审查", "编印依申请公开办理指引", "推行申请办理限时提醒",
              "对答复文书开展交叉评查", "组织法律顾问参与复杂申请办理", "探索依申请转主动公开", "开通网上申请绿色通道"],
    "政府信息管理": ["落实公开属性源头认定", "严格执行发布前保密审查", "建立规范性文件统一登记制度", "清理过期失效信息",
               "开展政府信息资源标准化管理", "建立信息发布三审三校制度", "定期评估公开内容质量", "推进历史文件数字化归档",
               "对拟公开文件逐件开展审查", "动态更新政府信息公开指南", "建立公开工作台账", "规范信息发布用语"],
    "平台建设": ["优化门户网站栏目设置", "完成网站集约化迁移", "整合关停低效新媒体账号", "在服务大厅设立公开专区",
             "开通网站无障碍浏览功能", "升级站内搜索服务", "建设政策文件库", "完善网站安全防护体系", "推进政务服务移动端建设",
             "加强网站内容日常巡查", "建立新媒体矩阵联动机制", "开设政策问答栏目"],
    "监督保障": ["将公开工作纳入年度绩效考核", "开展季度检查和通报", "举办业务培训", "明确分管领导和专职人员",
             "落实责任追究制度", "邀请社会评议人员参与评议", "开展第三方评估", "建立问题整改台账", "组织专题学习",
             "开展公开工作自查", "召开工作推进会", "聘请特邀监督员"],
}
RESULTS = ["累计发布信息{n}条", "全年办理{n}件", "惠及群众{n}人次", "涉及资金{n}万元", "覆盖{n}个村社区", "组织{n}场次",
           "整改问题{n}个", "收到留言{n}条", "访问量达{n}万次", "参与人员{n}名", "形成制度{n}项", "更新栏目{n}个"]
COMMON = ["坚持以公开为常态、不公开为例外原则，", "持续推进决策、执行、管理、服务、结果公开，",
          "不断提升政务公开标准化规范化水平，", "切实保障人民群众知情权、参与权、表达权和监督权，"]
SUBJECTS = ["政策解读", "栏目更新", "依申请答复", "新媒体运维", "公开目录编制", "基层标准化建设", "信息发布审核", "数据开放",
            "回应社会关切", "历史信息清理", "考核评议", "业务培训", "网站检索", "公开指南修订", "解读材料制作", "重点领域公开",
            "办理时效管理", "公开专区建设", "文件归档", "公开队伍建设"]
FLAWS = ["形式较为单一", "不够及时", "规范性有待加强", "互动性不足", "不够完善", "推进不均衡", "流程偏长", "程度不高",
         "不够精准", "不够彻底", "机制不够健全", "针对性不强", "便捷性不足", "存在滞后现象", "质量参差不齐", "深度不够",
         "力量较为薄弱", "存在薄弱环节", "覆盖面不广", "统筹不够"]
VERBS = ["完善", "健全", "加强", "优化", "推进", "落实", "强化", "规范", "拓展", "深化", "细化", "改进", "创新", "严格",
         "提升", "统筹", "压实", "建立"]
OBJECTS = ["解读形式和渠道", "栏目更新提醒机制", "业务培训和交流学习", "答复文书审核", "公开目录动态调整", "考核评议和通报",
           "网站检索和导航功能", "政府数据有序开放", "政民互动渠道", "各科室公开责任", "信息发布前审查", "公开进基层活动",
           "公开与服务融合", "新媒体账号运维", "过期信息清理", "公开工作台账", "重点领域信息发布", "政策文件库建设"]
PREAMBLE = ("本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《国务院办公厅政府信息公开办公室关于印发"
            "〈中华人民共和国政府信息公开工作年度报告格式〉的通知》（国办公开办函〔2021〕30号）要求，由{name}编制。"
            "本报告中所列数据的统计期限自{y}年1月1日起至{y}年12月31日止。本报告电子版可在{name}门户网站查阅或下载。"
            "如对本报告有疑问，请与{name}办公室联系（电话：0{p1}-{p2}）。")
TOPICS = ("主动公开", "依申请公开", "政府信息管理", "平台建设", "监督保障")
HEADS = {"主动公开": "（一）主动公开。", "依申请公开": "（二）依申请公开。", "政府信息管理": "（三）政府信息管理。",
         "平台建设": "（四）政府信息公开平台建设。", "监督保障": "（五）监督保障。"}


def agency_names(n: int, rng: random.Random) -> list[str]:
    """``n`` distinct agency names of one province: 市 and 县/区 governments' departments."""
    places = [a + b for a in _A for b in _B]
    rng.shuffle(places)
    names: list[str] = []
    for k, city in enumerate(places[:14]):
        counties = places[14 + k * 40: 14 + (k + 1) * 40]
        units = [f"{city}市"] + [f"{city}市{c}{'县' if j % 3 else '区'}" for j, c in enumerate(counties)]
        for unit in units:
            names += [unit + d for d in DEPTS]
    rng.shuffle(names)
    return sorted(names[:n])


def _field(name: str) -> list[str]:
    return next((v for k, v in FIELDS.items() if k in name), GENERIC_FIELD)


def _sentence(rng: random.Random, topic: str, field: list[str]) -> str:
    acts = rng.sample(ACTIONS[topic], 2)
    return (f"{rng.choice(OPENERS)}，{acts[0].format(f=rng.choice(field))}，{acts[1].format(f=rng.choice(field))}，"
            f"{rng.choice(RESULTS).format(n=rng.randint(2, 9999))}。")


def narrative(name: str, rng: random.Random, year: int = YEAR) -> dict[str, str]:
    """Parts 一 to 六 of one agency's report: distinct text from the pools, the preamble and the headings."""
    field = _field(name)
    one = [PREAMBLE.format(name=name, y=year, p1=rng.randint(100, 999), p2=rng.randint(1000000, 9999999)),
           "一、总体情况", f"{year}年，{name}{''.join(rng.sample(COMMON, 2))}{rng.choice(OPENERS)}"
           f"做好{'、'.join(rng.sample(field, 2))}等重点工作。"]
    for topic in TOPICS:
        one.append(HEADS[topic] + "".join(_sentence(rng, topic, field) for _ in range(rng.randint(2, 3))))
    flaws = [rng.choice(SUBJECTS) + rng.choice(FLAWS) for _ in range(3)]
    fixes = [rng.choice(VERBS) + rng.choice(OBJECTS) for _ in range(4)]
    five = ["五、存在的主要问题及改进情况",
            f"{year}年，{name}政府信息公开工作取得一定成效，但仍存在一些不足：一是{flaws[0]}；二是{flaws[1]}，"
            f"{rng.choice(field)}相关信息{rng.choice(FLAWS)}；三是{flaws[2]}。",
            f"针对上年度报告指出的{rng.choice(SUBJECTS)}{rng.choice(FLAWS)}问题，已通过{fixes[0]}完成整改。",
            f"{year + 1}年，{name}将{fixes[1]}；{fixes[2]}，{rng.choice(OPENERS)}做好{rng.choice(field)}公开；{fixes[3]}。"]
    six = ["六、其他需要报告的事项", rng.choice(["本年度未收取信息处理费。", f"本年度{name}未发出收费通知，未收取信息处理费。",
                                        "依据《政府信息公开信息处理费管理办法》，本年度未收取信息处理费。"])]
    return {"一": "\n".join(one), "二": "二、主动公开政府信息情况", "三": "三、收到和处理政府信息公开申请情况",
            "四": "四、政府信息公开行政复议、行政诉讼情况", "五": "\n".join(five), "六": "\n".join(six)}


def _copy(text: str, src: str, dst: str, own: str, rng: random.Random, edits: int) -> str:
    """``src``'s part made ``dst``'s: its name and numbers changed and ``edits`` sentences taken from ``own``."""
    out = re.sub(r"\d+", lambda m: str(rng.randint(2, 9999)), text.replace(src, dst))
    mine = [s for s in re.split(r"(?<=[。；])", own) if len(s) > 12]
    sentences = re.split(r"(?<=[。；])", out)
    body = [k for k, s in enumerate(sentences) if len(s) > 12 and "本报告" not in s]
    for k in rng.sample(body, min(edits, len(body))):
        sentences[k] = rng.choice(mine)
    return "".join(sentences)


def synthetic_year(n: int, copies: int, seed: int = 0) -> tuple[list[Report], set[tuple[str, str]]]:
    """``n`` reports of one year, ``copies`` of which copy part 一 and/or 五 from another; and the planted (a, b) keys."""
    rng = random.Random(seed)
    names = agency_names(n, rng)
    keys = [f"A{k:05d}" for k in range(len(names))]
    texts = [narrative(name, rng) for name in names]
    planted: set[tuple[str, str]] = set()
    chosen = rng.sample(range(len(names)), 2 * copies)
    for src, dst in zip(chosen[::2], chosen[1::2]):
        for part in rng.choice([("一",), ("五",), ("一", "五"), ("一", "五")]):
            texts[dst][part] = _copy(texts[src][part], names[src], names[dst], texts[dst][part], rng,
                                     rng.randint(1, 2) if part == "一" else 1)
        planted.add((min(keys[src], keys[dst]), max(keys[src], keys[dst])))
    reports = [Report(name, YEAR, "gov2021", {}, {}, secs, Provenance("", "", ""), [], "", key)
               for name, secs, key in zip(names, texts, keys)]
    return reports, planted


def main() -> None:
    from kit.similarity import copied_pairs

    ap = argparse.ArgumentParser()
    ap.add_argument("--agencies", type=int, default=3000)
    ap.add_argument("--copies", type=int, default=30)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--margin", type=float, default=None, metavar="THRESHOLD",
                    help="also run at this lower threshold (0.3: fast; below, LSH bands of one row compare almost "
                         "everything) and print the highest similarity of an unplanted pair")
    args = ap.parse_args()
    t = time.perf_counter()
    reports, planted = synthetic_year(args.agencies, args.copies, args.seed)
    chars = sum(len(s) for r in reports for s in r.sections.values())
    print(f"{len(reports)} agencies, {len(planted)} planted pairs, {chars / len(reports):.0f} characters a report "
          f"(generated in {time.perf_counter() - t:.1f} s)")
    times, pairs = [], []
    for _ in range(args.runs):
        t = time.perf_counter()
        pairs = copied_pairs(reports)
        times.append(time.perf_counter() - t)
    found = {(p.a, p.b) for p in pairs}
    hit = found & planted
    print(f"copied_pairs: median {statistics.median(times):.2f} s of {args.runs} runs "
          f"({', '.join(f'{x:.2f}' for x in times)})")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t = time.perf_counter()
    tracemalloc.start()
    copied_pairs(reports)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"peak memory: {peak / 2**20:.1f} MiB allocated by copied_pairs (tracemalloc, a run of its own: "
          f"{time.perf_counter() - t:.0f} s); process max RSS {rss:.0f} MiB (the reports included)")
    print(f"recall {len(hit)}/{len(planted)} = {len(hit) / max(len(planted), 1):.1%}, "
          f"precision {len(hit)}/{len(found)} = {len(hit) / max(len(found), 1):.1%}")
    sims = sorted(p.similarity for p in pairs if (p.a, p.b) in planted)
    if sims:
        print(f"planted pairs' similarity: min {sims[0]:.2f}, median {statistics.median(sims):.2f}")
    for p in pairs[:2]:
        print(f"  e.g. {p.a_name} / {p.b_name}: {p.similarity:.2f}, parts {'、'.join(p.sections)}, “{p.passages[0]}”"
              if p.passages else f"  e.g. {p.a_name} / {p.b_name}: {p.similarity:.2f} (no passage)")
    if args.margin is not None:
        t = time.perf_counter()
        low = copied_pairs(reports, threshold=args.margin)
        other = [p.similarity for p in low if (p.a, p.b) not in planted]
        print(f"at threshold {args.margin} ({time.perf_counter() - t:.1f} s): {len(low)} pairs, {len(other)} unplanted"
              + (f", the highest at {max(other):.2f}" if other else ""))


if __name__ == "__main__":
    main()
